package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One address, one account, one throttle, whatever case or Unicode form it is typed in, and whatever
 * the database cluster's locale: the address's canonical form is computed once, in Java, and stored;
 * sign-up, sign-in, the sign-in throttle, the reset and the admin lookup all use it. PostgreSQL's
 * {@code lower()} follows the cluster's locale (a C cluster folds only ASCII; C.UTF-8 folds {@code
 * İ} to {@code i} where Java's {@code toLowerCase} gives {@code i̇}), and no form of lower-casing
 * joins a composed {@code Ä} with {@code A} plus a combining diaeresis, which look the same.
 */
class EmailSpellingsTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @Autowired
    Passwords passwords;

    @AfterEach
    void forgetFailures() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void anAddressTypedWithAnotherSpellingOfItsLettersIsTheSameAccount() {
        String id = UUID.randomUUID().toString();
        UserAccount composed = users.create("\u00C4pfel-" + id + "@test.local", PASSWORD, Role.USER, true);

        // A + combining diaeresis: the same on screen, and the same mailbox
        UserAccount decomposed = users.create("A\u0308pfel-" + id + "@test.local", PASSWORD, Role.USER, true);
        assertThat(decomposed.id()).as("a second account for the same address").isEqualTo(composed.id());
        assertThat(users.byEmail("\u00E4pfel-" + id + "@TEST.local"))
                .map(UserAccount::id)
                .contains(composed.id());
        assertThat(users.byEmail("a\u0308pfel-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(composed.id());
        assertThat(jdbc.sql("select count(*) from app_user where email like :p")
                        .param("p", "%pfel-" + id + "@test.local")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        // the Kelvin sign is a capital K to anyone reading it
        UserAccount kate = users.create("kate-" + id + "@test.local", PASSWORD, Role.USER, true);
        assertThat(users.create("\u212Aate-" + id + "@test.local", PASSWORD, Role.USER, true)
                        .id())
                .isEqualTo(kate.id());
        assertThat(users.byEmail("\u212AATE-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(kate.id());
    }

    @Test
    void aSignInWithAnotherSpellingOfTheAddressFindsItsAccount() throws Exception {
        String id = UUID.randomUUID().toString();
        users.create("\u00C4pfel-" + id + "@test.local", PASSWORD, Role.USER, true);
        assertThat(new FormClient(port).signIn("a\u0308pfel-" + id + "@test.local", PASSWORD))
                .doesNotContain("/login");
        assertThat(new FormClient(port).signIn("\u00E4PFEL-" + id + "@TEST.LOCAL", PASSWORD))
                .doesNotContain("/login");
    }

    /**
     * The throttle counts an account's failures under the same form that finds the account: a
     * guesser who spells the address another way (İ for i: {@code lower()} of a UTF-8 cluster finds
     * the account, Java's lower case differs) gets no fresh count.
     */
    @Test
    void guessesUnderAnotherSpellingOfTheAddressCountAgainstTheSameAccount() throws Exception {
        String local = "li-" + UUID.randomUUID();
        String email = local + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        // the waits are measured on a stopped clock: on a loaded machine the five sign-ins took longer
        // than the fifth failure's 1 s wait in real time, and the sixth was not turned away
        clock.freeze();
        for (int failure = 1; failure <= 5; failure++) {
            assertThat(new FormClient(port).signIn(email, "nope " + failure)).contains("/login?error");
            jdbc.sql("delete from login_throttle_client").update(); // only the account's count matters here
        }
        clock.advance(Duration.ofMillis(500)); // the fifth failure's wait (1 s) is not over
        String dottedCapitalI = "l\u0130" + local.substring(2) + "@test.local";
        assertThat(new FormClient(port).signIn(dottedCapitalI, PASSWORD))
                .as("the right password under another spelling while the account waits")
                .contains("/login?locked=");
        assertThat(new FormClient(port).signIn("L\u0130" + local.substring(2) + "@TEST.local", "nope"))
                .contains("/login?locked=");
    }

    /**
     * Letters whose case folding makes them another letter ({@code ſ} long s is {@code s}, {@code ı}
     * dotless i and {@code İ} are {@code i}, {@code ς} is {@code σ}, {@code µ} micro is {@code μ}, the
     * Kelvin, Ohm and Angstrom signs are {@code k}, {@code ω}, {@code å}) gave an address the key of
     * another person's: whoever signed up first with such a look-alike (at a look-alike domain they
     * own, say) held that person's account key, and the reset link for it went to their mailbox. Sign-up
     * refuses such an address, names the character, and writes nothing; the owner's own address then
     * signs up normally.
     */
    @Test
    void signUpRefusesLettersThatFoldIntoAnotherLetterAndNamesThem() throws Exception {
        String id = UUID.randomUUID().toString();
        record LookAlike(String address, String character) {}
        List<LookAlike> lookAlikes = List.of(
                new LookAlike("victim-" + id + "@gma\u0131l.test", "U+0131"),
                new LookAlike("\u017Fam-" + id + "@test.local", "U+017F"),
                new LookAlike("\u03C3\u03BF\u03C6\u03B9\u03B1\u03C2-" + id + "@test.local", "U+03C2"),
                new LookAlike("\u00B5-" + id + "@test.local", "U+00B5"),
                new LookAlike("L\u0130-" + id + "@test.local", "U+0130"),
                new LookAlike("LI\u0307-" + id + "@test.local", "U+0130"), // I + combining dot: composes to İ
                new LookAlike("\u212Aate-" + id + "@test.local", "U+212A"),
                new LookAlike("\u2126mega-" + id + "@test.local", "U+2126"),
                new LookAlike("\u212Bsa-" + id + "@test.local", "U+212B"));
        for (LookAlike l : lookAlikes) {
            HttpResponse<String> r =
                    new FormClient(port).post("/signup", "/signup", "email", l.address(), "password", PASSWORD);
            assertThat(r.statusCode()).as(l.address()).isEqualTo(422);
            assertThat(r.body()).as(l.address()).contains(l.character()).contains("Remove");
            assertThat(r.body()).as("the email field is marked").contains("aria-invalid=\"true\"");
        }
        assertThat(jdbc.sql("select count(*) from app_user where email like :id")
                        .param("id", "%" + id + "%")
                        .query(Long.class)
                        .single())
                .as("accounts written")
                .isZero();

        // the owner of the address the look-alike folds to signs up their own account
        String owner = "victim-" + id + "@gmail.test";
        HttpResponse<String> accepted =
                new FormClient(port).post("/signup", "/signup", "email", owner, "password", PASSWORD);
        assertThat(accepted.body()).contains("Check your inbox");
        assertThat(users.byEmail(owner)).map(UserAccount::email).contains(owner);
    }

    /** An account that already has such a letter (created before the rule, or by an operator) still signs in. */
    @Test
    void anExistingAccountWithSuchALetterStillSignsIn() throws Exception {
        String email = "\u03C3\u03BF\u03C6\u03B9\u03B1\u03C2-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        assertThat(new FormClient(port).signIn(email, PASSWORD)).doesNotContain("/login");
    }

    @Test
    void aResetAskedForUnderAnotherSpellingReachesTheAccountsAddress() {
        String id = UUID.randomUUID().toString();
        UserAccount u = users.create("\u00C4pfel-" + id + "@test.local", PASSWORD, Role.USER, true);
        assertThat(passwords.requestReset("A\u0308PFEL-" + id + "@test.local", "203.0.113.9"))
                .isTrue();
        assertThat(jdbc.sql("select count(*) from email_token where user_id = :u and purpose = 'RESET'")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }
}
