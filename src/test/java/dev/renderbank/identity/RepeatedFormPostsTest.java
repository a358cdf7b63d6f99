package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A form that succeeds once, posted twice in a row (a double click without script, a resubmission):
 * the repeat is answered as the first one was, and does no second time what the first did. A
 * sign-up sent again mails no second link (that link would open "someone signed up again with this
 * address" and, confirmed, sign everyone out); a reset sent again leads to "password changed", not to
 * "this link is not valid any more" after the password was changed; a password change sent again
 * says "changed", not "the current password is not right".
 */
class RepeatedFormPostsTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String NEW_PASSWORD = "seven ravens over the harbour";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void aSignUpSentTwiceMailsOneLink() throws Exception {
        String email = "twice-" + UUID.randomUUID() + "@test.local";
        FormClient browser = new FormClient(port);
        HttpResponse<String> first = browser.post("/signup", "/signup", "email", email, "password", PASSWORD);
        HttpResponse<String> second = browser.post("/signup", "/signup", "email", email, "password", PASSWORD);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("Check your inbox").contains("we sent it a link");
        assertThat(verificationLinks(email)).as("links made for the account").isEqualTo(1);

        // another password is another sign-up (perhaps the address's owner after someone else): it
        // gets its own link, which sets that password once confirmed
        new FormClient(port).post("/signup", "/signup", "email", email, "password", NEW_PASSWORD);
        assertThat(verificationLinks(email)).isEqualTo(2);
    }

    @Test
    void aResetSentTwiceLeadsToPasswordChangedBothTimes() throws Exception {
        String email = "reset-twice-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        FormClient browser = new FormClient(port);
        browser.post("/password/forgot", "/password/forgot", "email", email);
        String link = MailedLinks.await(jdbc, "password-reset", email, 1);
        String token = URLDecoder.decode(link.substring(link.indexOf('=') + 1), StandardCharsets.UTF_8);

        HttpResponse<String> first = browser.post(link, "/password/reset", "token", token, "password", NEW_PASSWORD);
        HttpResponse<String> second =
                browser.post("/password/forgot", "/password/reset", "token", token, "password", NEW_PASSWORD);
        assertThat(FormClient.location(first)).endsWith("/login?reset");
        assertThat(FormClient.location(second)).endsWith("/login?reset");
        assertThat(new FormClient(port).signIn(email, NEW_PASSWORD)).doesNotContain("/login");

        // the used link sets no other password, and says it is used
        HttpResponse<String> other = browser.post(
                "/password/forgot", "/password/reset", "token", token, "password", "a third long passphrase");
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.body()).contains("This link is not valid any more");
        assertThat(new FormClient(port).signIn(email, NEW_PASSWORD)).doesNotContain("/login");
    }

    /**
     * The repeat's answer says whether the typed password is now the account's: once per used link, or
     * whoever holds a used (or a left-over, ended) reset link could guess the new password unthrottled
     * for two minutes.
     */
    @Test
    void aUsedResetLinkAnswersOneRepeatOnlyNotAStreamOfPasswordGuesses() throws Exception {
        String email = "reset-guess-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        FormClient browser = new FormClient(port);
        browser.post("/password/forgot", "/password/forgot", "email", email);
        String link = MailedLinks.await(jdbc, "password-reset", email, 1);
        String token = URLDecoder.decode(link.substring(link.indexOf('=') + 1), StandardCharsets.UTF_8);
        assertThat(FormClient.location(browser.post(link, "/password/reset", "token", token, "password", NEW_PASSWORD)))
                .endsWith("/login?reset");

        FormClient guesser = new FormClient(port);
        HttpResponse<String> wrong =
                guesser.post("/password/forgot", "/password/reset", "token", token, "password", "a wrong guess 1234");
        assertThat(wrong.statusCode()).isEqualTo(400);
        HttpResponse<String> right =
                guesser.post("/password/forgot", "/password/reset", "token", token, "password", NEW_PASSWORD);
        assertThat(right.statusCode())
                .as("the link's one repeat was spent by the wrong guess: the right one learns nothing")
                .isEqualTo(400);
        assertThat(right.body()).contains("This link is not valid any more");
    }

    @Test
    void aPasswordChangeSentTwiceSaysChangedBothTimes() throws Exception {
        String email = "change-twice-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        FormClient browser = signedIn(email);

        HttpResponse<String> first = change(browser, PASSWORD, NEW_PASSWORD);
        HttpResponse<String> second = change(browser, PASSWORD, NEW_PASSWORD);
        assertThat(first.body()).contains("id=\"changed\"");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body())
                .as("the repeat of a change that worked")
                .contains("id=\"changed\"")
                .doesNotContain("The current password is not right");
        assertThat(new FormClient(port).signIn(email, NEW_PASSWORD)).doesNotContain("/login");

        // once: the same form a third time is an ordinary change with a wrong current password
        assertThat(change(browser, PASSWORD, NEW_PASSWORD).body()).contains("The current password is not right");
        assertThat(new FormClient(port).signIn(email, NEW_PASSWORD)).doesNotContain("/login");
    }

    /**
     * The repeat's answer says whether the old and the new password were both typed right: once per
     * change, or whoever holds the session could test guesses of the old password (perhaps used
     * elsewhere) for two minutes, and only within two minutes of the change.
     */
    @Test
    void aChangeAnswersOneRepeatOnlyNotAStreamOfGuessesOfTheOldPassword() throws Exception {
        String email = "change-guess-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        FormClient browser = signedIn(email);
        assertThat(change(browser, PASSWORD, NEW_PASSWORD).body()).contains("id=\"changed\"");

        assertThat(change(browser, "a wrong guess 1234", NEW_PASSWORD).body())
                .contains("The current password is not right");
        assertThat(change(browser, PASSWORD, NEW_PASSWORD).body())
                .as("the change's one repeat was spent by the wrong guess: the right one learns nothing")
                .contains("The current password is not right");

        String late = "change-late-" + UUID.randomUUID() + "@test.local";
        users.create(late, PASSWORD, Role.USER, true);
        FormClient slow = signedIn(late);
        assertThat(change(slow, PASSWORD, NEW_PASSWORD).body()).contains("id=\"changed\"");
        jdbc.sql("update app_user set password_changed_at = password_changed_at - :window::interval"
                        + " where lower(email) = lower(:email)")
                .param("window", Passwords.REPEAT_WINDOW.toSeconds() + " seconds")
                .param("email", late)
                .update();
        assertThat(change(slow, PASSWORD, NEW_PASSWORD).body())
                .as("a repeat after the window is an ordinary change")
                .contains("The current password is not right");
    }

    private FormClient signedIn(String email) throws Exception {
        FormClient browser = new FormClient(port);
        assertThat(browser.signIn(email, PASSWORD)).doesNotContain("/login");
        return browser;
    }

    private static HttpResponse<String> change(FormClient browser, String current, String password) throws Exception {
        return browser.post("/account/password", "/account/password", "current", current, "password", password);
    }

    private int verificationLinks(String email) {
        return jdbc.sql("""
                        select count(*) from email_token t join app_user u on u.id = t.user_id
                         where t.purpose = 'VERIFY' and lower(u.email) = lower(:email)""").param("email", email).query(Integer.class).single();
    }
}
