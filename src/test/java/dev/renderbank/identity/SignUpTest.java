package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.internal.AccountStore;
import dev.renderbank.identity.internal.DeletionStore;
import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.PasswordRules;
import dev.renderbank.identity.internal.RequestLimits;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Sign-up through the pages: the verification email's one-time link grants the 15 credits once;
 * a used or expired link is refused; weak passwords are refused with a message; the answer is the
 * same whether or not the address has an account; closed sign-up writes nothing.
 */
class SignUpTest extends IntegrationTest {

    static final String PASSWORD = "a quiet lighthouse at dusk";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Ledger ledger;

    @Autowired
    Users users;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    static String newEmail() {
        return "signup-" + UUID.randomUUID() + "@test.local";
    }

    @Test
    void theEmailedLinkVerifiesTheAddressAndGrantsFifteenCreditsOnce() throws Exception {
        String email = newEmail();
        FormClient browser = new FormClient(port);
        HttpResponse<String> sent = browser.post("/signup", "/signup", "email", email, "password", PASSWORD);
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).contains("Check your inbox");
        UserAccount user = users.byEmail(email).orElseThrow();
        assertThat(user.emailVerified()).isFalse();
        assertThat(ledger.balance(user.id()).available()).isZero();

        String link = MailedLinks.await(jdbc, "verify-email", email, 1);
        // only the token's hash is stored
        assertThat(jdbc.sql(
                                "select count(*) from email_token where user_id = :u and token_hash = sha256(convert_to(:t, 'UTF8'))")
                        .param("u", user.id())
                        .param(
                                "t",
                                java.net.URLDecoder.decode(
                                        link.substring(link.indexOf('=') + 1), java.nio.charset.StandardCharsets.UTF_8))
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);

        HttpResponse<String> verified = browser.get(link);
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(verified.body()).contains("Address confirmed");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ledger.balance(user.id()).available() == 15);

        HttpResponse<String> again = new FormClient(port).get(link);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("Link already used");
        assertThat(pendingEvents(user.id())).isZero();
        assertThat(ledger.balance(user.id()).available()).isEqualTo(15);
        assertThat(ledger.history(user.id(), null, 50).items()).hasSize(1);
    }

    @Autowired
    dev.renderbank.billing.rewards.Referrals referrals;

    @Test
    void aSignUpThroughAReferralLinkRecordsTheReferrer() throws Exception {
        UserAccount referrer = users.create(newEmail(), "correct horse battery staple", Role.USER, true);
        String code = referrals.referralCode(referrer.id());
        String email = newEmail();
        FormClient browser = new FormClient(port);
        assertThat(browser.get("/signup?ref=" + code).body()).contains("value=\"" + code + "\"");
        browser.post("/signup?ref=" + code, "/signup", "email", email, "password", PASSWORD, "ref", code);
        long referee = users.byEmail(email).orElseThrow().id();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> referrals.referrerOf(referee).isPresent());
        assertThat(referrals.referrerOf(referee)).contains(referrer.id());

        String other = newEmail();
        browser.post("/signup", "/signup", "email", other, "password", PASSWORD, "ref", "unknowncode1");
        assertThat(users.byEmail(other)).isPresent();
    }

    @Test
    void anExpiredLinkIsRefusedAndVerifiesNothing() throws Exception {
        String email = newEmail();
        FormClient browser = new FormClient(port);
        browser.post("/signup", "/signup", "email", email, "password", PASSWORD);
        String link = MailedLinks.await(jdbc, "verify-email", email, 1);

        clock.advance(Duration.ofHours(24).plusSeconds(1));
        HttpResponse<String> expired = browser.get(link);
        assertThat(expired.statusCode()).isEqualTo(400);
        assertThat(expired.body()).contains("Link expired");
        assertThat(users.byEmail(email).orElseThrow().emailVerified()).isFalse();
    }

    @Test
    void aCommonPasswordIsRefusedWithAMessageAndNothingIsWritten() throws Exception {
        String email = newEmail();
        FormClient browser = new FormClient(port);
        for (String weak : new String[] {"password1234", "Qwertyuiop123", "short pass"}) {
            HttpResponse<String> r = browser.post("/signup", "/signup", "email", email, "password", weak);
            assertThat(r.statusCode()).as(weak).isEqualTo(422);
            assertThat(r.body()).containsAnyOf("too common", "at least 12 characters");
        }
        assertThat(users.byEmail(email)).isEmpty();
    }

    /**
     * The sign-up address is the one mailbox its verification link goes to. An address the mailer
     * reads as another mailbox (a name with the address in angle brackets, a comment), as several (a
     * list, a group) or as none (quotes, a space that is not ASCII) is refused with a message and
     * writes nothing: the link went to someone else, or could never be delivered. Letters outside
     * ASCII are an address's own and stay allowed.
     */
    @Test
    void anAddressTheMailerWouldReadAsAnotherOrSeveralOrNoneIsRefusedAndNothingIsWritten() throws Exception {
        String id = UUID.randomUUID().toString();
        FormClient browser = new FormClient(port);
        for (String odd : new String[] {
            "x<other-" + id + "@test.local>",
            "signup-" + id + "(comment)@test.local",
            "a,signup-" + id + "@test.local",
            "list:signup-" + id + "@test.local;",
            "\"q\"signup-" + id + "@test.local",
            "signup\u00a0" + id + "@test.local",
            "signup\u2003" + id + "@test.local",
            "signup-" + id + "@[127.0.0.1]"
        }) {
            HttpResponse<String> r = browser.post("/signup", "/signup", "email", odd, "password", PASSWORD);
            assertThat(r.statusCode()).as(odd).isEqualTo(422);
            assertThat(r.body()).as(odd).contains("Enter an email address");
        }
        assertThat(jdbc.sql("select count(*) from app_user where email like :id")
                        .param("id", "%" + id + "%")
                        .query(Long.class)
                        .single())
                .as("accounts written")
                .isZero();

        String letters = "jürgen-" + id + "@bücher.test";
        HttpResponse<String> accepted = browser.post("/signup", "/signup", "email", letters, "password", PASSWORD);
        assertThat(accepted.body()).contains("Check your inbox");
        assertThat(users.byEmail(letters)).isPresent();
    }

    @Test
    void anAddressWithAnAccountGetsTheSameAnswer() throws Exception {
        String taken = newEmail();
        users.create(taken, "correct horse battery staple", Role.USER, true);
        String fresh = newEmail();
        String takenBody = new FormClient(port)
                .post("/signup", "/signup", "email", taken, "password", PASSWORD)
                .body();
        String freshBody = new FormClient(port)
                .post("/signup", "/signup", "email", fresh, "password", PASSWORD)
                .body();
        assertThat(withoutVariableParts(takenBody, taken)).isEqualTo(withoutVariableParts(freshBody, fresh));
        MailedLinks.await(jdbc, "verify-email", fresh, 1);
        assertThat(MailedLinks.count(jdbc, "verify-email", taken)).isZero();
    }

    @Test
    void resendSendsANewLinkToAnUnverifiedAddressAndAnswersTheSameForUnknownOnes() throws Exception {
        String email = newEmail();
        FormClient browser = new FormClient(port);
        browser.post("/signup", "/signup", "email", email, "password", PASSWORD);
        MailedLinks.await(jdbc, "verify-email", email, 1);

        HttpResponse<String> known = browser.post("/signup", "/signup/resend", "email", email);
        HttpResponse<String> unknown = browser.post("/signup", "/signup/resend", "email", newEmail());
        assertThat(known.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(200);
        assertThat(known.body()).contains("A new link is on its way");
        assertThat(unknown.body()).contains("A new link is on its way");
        String second = MailedLinks.await(jdbc, "verify-email", email, 2);
        assertThat(browser.get(second).body()).contains("Address confirmed");
    }

    @Test
    void forgotPasswordIsLimitedPerAddressWhetherOrNotTheAccountExists() throws Exception {
        String taken = newEmail();
        users.create(taken, "correct horse battery staple", Role.USER, true);
        String unknown = newEmail();
        for (String email : new String[] {taken, unknown}) {
            for (int i = 0; i < 5; i++) {
                assertThat(new FormClient(port)
                                .post("/password/forgot", "/password/forgot", "email", email)
                                .statusCode())
                        .isEqualTo(200);
            }
            HttpResponse<String> sixth =
                    new FormClient(port).post("/password/forgot", "/password/forgot", "email", email);
            assertThat(sixth.statusCode()).as(email).isEqualTo(429);
            assertThat(sixth.body()).contains("Too many requests");
        }
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(new FormClient(port)
                        .post("/password/forgot", "/password/forgot", "email", unknown)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void signUpIsLimitedPerClient() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(new FormClient(port)
                            .post("/signup", "/signup", "email", newEmail(), "password", PASSWORD)
                            .statusCode())
                    .isEqualTo(200);
        }
        String email = newEmail();
        HttpResponse<String> r = new FormClient(port).post("/signup", "/signup", "email", email, "password", PASSWORD);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(users.byEmail(email)).isEmpty();
    }

    @Autowired
    AccountStore accountStore;

    @Autowired
    DeletionStore rows;

    @Autowired
    EmailTokenStore tokens;

    @Autowired
    PasswordRules rules;

    @Autowired
    RequestLimits limits;

    @Autowired
    PasswordEncoder encoder;

    @Autowired
    DurableEvents events;

    @Autowired
    AccountRecovery recovery;

    @Autowired
    dev.renderbank.identity.internal.DeletedMailboxes mailboxes;

    @Test
    void closedSignUpWritesNothing() throws Exception {
        Accounts closed = new Accounts(
                accountStore,
                rows,
                tokens,
                rules,
                limits,
                encoder,
                users,
                recovery,
                events,
                new SignupProperties(false, Duration.ofHours(24), Duration.ofHours(1)),
                mailboxes,
                clock);
        String email = newEmail();
        assertThat(closed.signupOpen()).isFalse();
        assertThat(closed.signUp(email, PASSWORD, null, "127.0.0.1")).isInstanceOf(Accounts.SignUpResult.Closed.class);
        assertThat(users.byEmail(email)).isEmpty();
    }

    /** A second {@link EmailVerified} for this user, if the second click had published one. */
    private int pendingEvents(long userId) {
        return jdbc.sql("select count(*) from scheduled_tasks where task_instance like :key")
                .param("key", "%:email-verified:" + userId)
                .query(Integer.class)
                .single();
    }

    private static String withoutVariableParts(String body, String email) {
        return body.replace(email, "EMAIL").replaceAll("(value|content)=\"[^\"]+\"", "$1=\"\"");
    }
}
