package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Password change ends the other sessions (sessions live in the database), a reset by emailed link
 * ends all of them and works once, and a one-time password must be changed before anything else.
 */
class PasswordsTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String NEW_PASSWORD = "seven ravens over the harbour";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @Autowired
    Passwords passwords;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    ApiTokens apiTokens;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    private String newUser() {
        String email = "pw-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        return email;
    }

    @Test
    void changingThePasswordEndsTheOtherSessionButKeepsThisOne() throws Exception {
        String email = newUser();
        FormClient here = new FormClient(port);
        FormClient elsewhere = new FormClient(port);
        here.signIn(email, PASSWORD);
        elsewhere.signIn(email, PASSWORD);
        assertThat(elsewhere.get("/").statusCode()).isEqualTo(200);

        HttpResponse<String> wrong = here.post(
                "/account/password", "/account/password", "current", "not my password", "password", NEW_PASSWORD);
        assertThat(wrong.statusCode()).isEqualTo(422);
        assertThat(wrong.body()).contains("The current password is not right.");

        HttpResponse<String> changed =
                here.post("/account/password", "/account/password", "current", PASSWORD, "password", NEW_PASSWORD);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).contains("Your password is changed");

        HttpResponse<String> next = elsewhere.get("/");
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(FormClient.location(next)).endsWith("/login");
        assertThat(here.get("/").statusCode()).isEqualTo(200);
        assertThat(new FormClient(port).signIn(email, PASSWORD)).contains("/login?error");
        assertThat(new FormClient(port).signIn(email, NEW_PASSWORD)).doesNotContain("/login");
    }

    /**
     * A session is not a way to guess the password: the forms that check the current one (change it,
     * delete the account) count wrong guesses with the account's sign-in failures, and after the free
     * ones even the right password waits, like at the login form. The clock stands still: the wait
     * is over when the test moves it on, not when the machine has been slow enough.
     */
    @Test
    void theCurrentPasswordCannotBeGuessedAtFullSpeedThroughTheChangeForm() throws Exception {
        String email = newUser();
        clock.freeze();
        FormClient here = new FormClient(port);
        here.signIn(email, PASSWORD);
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> wrong = here.post(
                    "/account/password", "/account/password", "current", "guess " + i, "password", NEW_PASSWORD);
            assertThat(wrong.body()).contains("The current password is not right.");
        }
        HttpResponse<String> refused =
                here.post("/account/password", "/account/password", "current", PASSWORD, "password", NEW_PASSWORD);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("Too many wrong passwords");
        assertThat(new FormClient(port).signIn(email, PASSWORD))
                .as("the account waits")
                .contains("locked=");

        clock.advance(java.time.Duration.ofSeconds(1));
        HttpResponse<String> changed =
                here.post("/account/password", "/account/password", "current", PASSWORD, "password", NEW_PASSWORD);
        assertThat(changed.body()).contains("Your password is changed");
    }

    /** The same at the account deletion form, on a clock that stands still. */
    @Test
    void theCurrentPasswordCannotBeGuessedAtFullSpeedThroughAccountDeletion() {
        String email = newUser();
        clock.freeze();
        long id = users.byEmail(email).orElseThrow().id();
        for (int i = 1; i <= 5; i++) {
            assertThat(deletion.delete(id, "guess " + i)).isInstanceOf(DeletionOutcome.WrongPassword.class);
        }
        assertThat(deletion.delete(id, PASSWORD)).isInstanceOf(DeletionOutcome.TooManyAttempts.class);
        assertThat(deletion.isDeleted(id)).isFalse();
        clock.advance(java.time.Duration.ofSeconds(1));
        assertThat(deletion.delete(id, PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);
    }

    /** Deleting the account ends its open links: a reset link mailed before cannot set a password on it. */
    @Test
    void aResetLinkMailedBeforeTheAccountWasDeletedNoLongerWorks() throws Exception {
        String email = newUser();
        long id = users.byEmail(email).orElseThrow().id();
        assertThat(passwords.requestReset(email, "test-client")).isTrue();
        String link = MailedLinks.await(jdbc, "password-reset", email, 1);
        assertThat(deletion.delete(id, PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);

        assertThat(passwords.resetLinkValid(token(link))).isFalse();
        assertThat(passwords.reset(token(link), NEW_PASSWORD)).isInstanceOf(Passwords.Outcome.LinkNotValid.class);
        assertThat(jdbc.sql("select password_hash from app_user where id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .as("no password matches a deleted account")
                .isEqualTo("{bcrypt}!");
    }

    @Test
    void aResetLinkSetsANewPasswordOnceAndEndsEverySession() throws Exception {
        String email = newUser();
        FormClient signedIn = new FormClient(port);
        signedIn.signIn(email, PASSWORD);

        FormClient forgetful = new FormClient(port);
        HttpResponse<String> asked = forgetful.post("/password/forgot", "/password/forgot", "email", email);
        assertThat(asked.body()).contains("we sent it a link");
        String link = MailedLinks.await(jdbc, "password-reset", email, 1);
        assertThat(forgetful.get(link).body()).contains("Set password");

        HttpResponse<String> weak =
                forgetful.post(link, "/password/reset", "token", token(link), "password", "password1234");
        assertThat(weak.statusCode()).isEqualTo(422);
        assertThat(weak.body()).contains("too common");

        HttpResponse<String> done =
                forgetful.post(link, "/password/reset", "token", token(link), "password", NEW_PASSWORD);
        assertThat(FormClient.location(done)).endsWith("/login?reset");
        assertThat(signedIn.get("/").statusCode()).as("the old session ended").isEqualTo(302);
        assertThat(new FormClient(port).signIn(email, NEW_PASSWORD)).doesNotContain("/login");

        HttpResponse<String> reused = new FormClient(port).get(link);
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(reused.body()).contains("This link is not valid any more");
    }

    /**
     * The mailbox decides whose account it is: a reset link survives a password change, so whoever
     * holds the password (a phished one, say) cannot keep the owner out by changing it again each
     * time a link is mailed. Before, every change used up the open reset links. The reset then ends
     * the changer's session.
     */
    @Test
    void aResetLinkMailedBeforeAPasswordChangeStillRecoversTheAccount() throws Exception {
        String email = newUser();
        FormClient intruder = new FormClient(port);
        intruder.signIn(email, PASSWORD);

        FormClient owner = new FormClient(port);
        owner.post("/password/forgot", "/password/forgot", "email", email);
        String link = MailedLinks.await(jdbc, "password-reset", email, 1);

        HttpResponse<String> changed =
                intruder.post("/account/password", "/account/password", "current", PASSWORD, "password", NEW_PASSWORD);
        assertThat(changed.body()).contains("Your password is changed");

        String ownersPassword = "the owner picks a lantern";
        HttpResponse<String> reset =
                owner.post(link, "/password/reset", "token", token(link), "password", ownersPassword);
        assertThat(FormClient.location(reset)).endsWith("/login?reset");
        assertThat(intruder.get("/").statusCode())
                .as("the intruder's session ended")
                .isEqualTo(302);
        assertThat(new FormClient(port).signIn(email, ownersPassword)).doesNotContain("/login");
        assertThat(new FormClient(port).signIn(email, NEW_PASSWORD)).contains("/login?error");
    }

    /**
     * A reset by emailed link is account recovery: whoever knew the old password may have minted API
     * tokens with a session, so the reset revokes every token along with every session. A change by
     * the signed-in owner (who knows the current password) keeps them, as docs/API.md says, so the
     * owner's integrations keep running; the page says where to revoke them.
     */
    @Test
    void aResetRevokesEveryApiTokenWhileAChangeByTheOwnerKeepsThem() throws Exception {
        String email = newUser();
        long id = users.byEmail(email).orElseThrow().id();
        String first = users.issueToken(id, "ci");
        String second = users.issueToken(id, "laptop");
        Api api = new Api(port);
        assertThat(api.get("/api/v1/credits", first).status()).isEqualTo(200);

        FormClient owner = new FormClient(port);
        owner.signIn(email, PASSWORD);
        HttpResponse<String> changed =
                owner.post("/account/password", "/account/password", "current", PASSWORD, "password", NEW_PASSWORD);
        assertThat(changed.body()).contains("Your API tokens keep working");
        assertThat(api.get("/api/v1/credits", first).status()).isEqualTo(200);

        FormClient forgetful = new FormClient(port);
        forgetful.post("/password/forgot", "/password/forgot", "email", email);
        String link = MailedLinks.await(jdbc, "password-reset", email, 1);
        String other = "yet another long pass phrase " + UUID.randomUUID();
        HttpResponse<String> done = forgetful.post(link, "/password/reset", "token", token(link), "password", other);
        assertThat(FormClient.location(done)).endsWith("/login?reset");
        assertThat(api.get("/api/v1/credits", first).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/credits", second).status()).isEqualTo(401);
        assertThat(apiTokens.list(id)).isEmpty();
        assertThat(new FormClient(port).get("/login?reset").body()).contains("API tokens were revoked");
    }

    @Test
    void forgotPasswordAnswersTheSameForAnUnknownAddress() throws Exception {
        String known = newUser();
        String unknown = "nobody-" + UUID.randomUUID() + "@test.local";
        HttpResponse<String> a = new FormClient(port).post("/password/forgot", "/password/forgot", "email", known);
        HttpResponse<String> b = new FormClient(port).post("/password/forgot", "/password/forgot", "email", unknown);
        assertThat(a.statusCode()).isEqualTo(b.statusCode()).isEqualTo(200);
        assertThat(normal(a.body(), known)).isEqualTo(normal(b.body(), unknown));
        MailedLinks.await(jdbc, "password-reset", known, 1);
        assertThat(MailedLinks.count(jdbc, "password-reset", unknown)).isZero();
    }

    @Test
    void aOneTimePasswordMustBeChangedBeforeAnythingElse() throws Exception {
        String email = newUser();
        passwords.requireChange(users.byEmail(email).orElseThrow().id());
        FormClient admin = new FormClient(port);
        assertThat(admin.signIn(email, PASSWORD)).endsWith("/account/password");

        HttpResponse<String> page = admin.get("/");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(FormClient.location(page)).endsWith("/account/password");
        HttpResponse<String> api = admin.get("/api/v1/credits");
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(api.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(api.body()).contains("password-change-required");
        assertThat(admin.get("/account/password").body()).contains("one-time password");

        assertThat(admin.post("/account/password", "/account/password", "current", PASSWORD, "password", NEW_PASSWORD)
                        .statusCode())
                .isEqualTo(200);
        assertThat(admin.get("/").statusCode()).isEqualTo(200);
        assertThat(passwords.mustChange(users.byEmail(email).orElseThrow().id()))
                .isFalse();
        assertThat(new FormClient(port).signIn(email, NEW_PASSWORD)).doesNotContain("/account/password");
    }

    private static String token(String link) {
        return java.net.URLDecoder.decode(
                link.substring(link.indexOf('=') + 1), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String normal(String body, String email) {
        return body.replace(email, "EMAIL").replaceAll("(value|content)=\"[^\"]+\"", "$1=\"\"");
    }
}
