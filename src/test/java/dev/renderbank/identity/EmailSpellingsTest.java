package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
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
