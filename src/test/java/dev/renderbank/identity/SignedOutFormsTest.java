package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A page with a form, opened while signed out, stores no session (security review): its CSRF token
 * was kept in a new session row for each view, for the session timeout, so a script requesting
 * {@code /login} in a loop grew the session table by a row a request. The token now lives in the
 * browser's {@code rb_csrf} cookie until sign-in. Counted with raw SQL by creation time, as
 * {@link SignedOutSessionsTest} counts.
 */
class SignedOutFormsTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final int VIEWS = 10;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @Autowired
    Passwords passwords;

    @Autowired
    Accounts accounts;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    /**
     * Every signed-out page with a form, each opened {@value #VIEWS} times by a caller with no cookie:
     * each view carries its form's token and sets the token cookie (HttpOnly, SameSite=Lax), none sets
     * a session cookie, and no session row is stored.
     */
    @Test
    void eachSignedOutFormPageOpenedAgainAndAgainStoresNoSession() throws Exception {
        String email = "forms-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        assertThat(passwords.requestReset(email, "192.0.2.10")).isTrue();
        String resetLink = MailedLinks.await(jdbc, "password-reset", email, 1);
        String again = "again-" + UUID.randomUUID() + "@test.local";
        accounts.signUp(again, "the first sign-up's passphrase", null, "192.0.2.11");
        MailedLinks.await(jdbc, "verify-email", again, 1);
        accounts.signUp(again, "a second, better lighthouse", null, "192.0.2.11");
        String confirmLink = MailedLinks.await(jdbc, "verify-email", again, 2);

        Map<String, Integer> pages = new LinkedHashMap<>();
        pages.put("/login", 200);
        pages.put("/login?error", 200);
        pages.put("/login?logout", 200);
        pages.put("/login?reset", 200);
        pages.put("/login?locked=30", 200);
        pages.put("/signup", 200);
        pages.put("/signup?ref=friend", 200);
        pages.put("/password/forgot", 200);
        pages.put(resetLink, 200); // the new password's form
        pages.put(confirmLink, 200); // a repeated sign-up's link asks for its password
        pages.put("/verify-email?token=" + UUID.randomUUID(), 400); // unknown link: "send it again" form

        RawForms raw = new RawForms(port);
        long start = System.currentTimeMillis();
        for (Map.Entry<String, Integer> page : pages.entrySet()) {
            for (int i = 0; i < VIEWS; i++) {
                HttpResponse<String> r = raw.get(page.getKey(), null);
                assertThat(r.statusCode()).as(page.getKey()).isEqualTo(page.getValue());
                assertThat(RawForms.formToken(r)).as(page.getKey()).isNotBlank();
                assertThat(RawForms.setCookie(r, "SESSION"))
                        .as("%s sets a session cookie", page.getKey())
                        .isEmpty();
                assertThat(RawForms.setCookie(r, "rb_csrf"))
                        .as("%s sets the token cookie", page.getKey())
                        .hasValueSatisfying(
                                c -> assertThat(c).contains("HttpOnly").contains("SameSite=Lax"));
            }
        }
        assertThat(sessionsSince(start))
                .as("sessions stored for %d views of signed-out forms", pages.size() * VIEWS)
                .isZero();
    }

    /**
     * Sign-up, "send the link again", forgot password, a reset through its link and a repeated
     * sign-up's confirmation all work through their forms and store no session; signing in stores
     * the one session of the browser.
     */
    @Test
    void theSignedOutFormsWorkAndOnlySigningInStoresASession() throws Exception {
        String email = "flow-" + UUID.randomUUID() + "@test.local";
        FormClient browser = new FormClient(port);
        long start = System.currentTimeMillis();

        HttpResponse<String> signedUp = browser.post("/signup", "/signup", "email", email, "password", PASSWORD);
        assertThat(signedUp.statusCode()).isEqualTo(200);
        assertThat(signedUp.body()).contains("Check your inbox");
        MailedLinks.await(jdbc, "verify-email", email, 1);
        HttpResponse<String> resent = browser.post("/signup", "/signup/resend", "email", email);
        assertThat(resent.statusCode()).isEqualTo(200);
        assertThat(resent.body()).contains("id=\"sent\"");
        MailedLinks.await(jdbc, "verify-email", email, 2);

        // a second sign-up with another password: its link asks for that password, and the form sets it
        String chosen = "a second, better lighthouse";
        assertThat(browser.post("/signup", "/signup", "email", email, "password", chosen)
                        .statusCode())
                .isEqualTo(200);
        String confirmLink = MailedLinks.await(jdbc, "verify-email", email, 3);
        String token = confirmLink.substring(confirmLink.indexOf("token=") + "token=".length());
        HttpResponse<String> confirmed = browser.post(confirmLink, "/verify-email", "token", token, "password", chosen);
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("id=\"verified\"");

        HttpResponse<String> forgot = browser.post("/password/forgot", "/password/forgot", "email", email);
        assertThat(forgot.statusCode()).isEqualTo(200);
        assertThat(forgot.body()).contains("id=\"sent\"");
        String resetLink = MailedLinks.await(jdbc, "password-reset", email, 1);
        String resetToken = resetLink.substring(resetLink.indexOf("token=") + "token=".length());
        String newPassword = "a brand new passphrase for this";
        HttpResponse<String> reset =
                browser.post(resetLink, "/password/reset", "token", resetToken, "password", newPassword);
        assertThat(FormClient.location(reset)).endsWith("/login?reset");

        assertThat(sessionsSince(start))
                .as("sessions stored by the signed-out forms")
                .isZero();

        assertThat(browser.signIn(email, chosen)).as("the old password").endsWith("/login?error");
        assertThat(browser.signIn(email, newPassword)).doesNotContain("/login");
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);
        assertThat(sessionsSince(start)).as("the signed-in browser's session").isEqualTo(1);
    }

    private long sessionsSince(long millis) {
        return jdbc.sql("select count(*) from spring_session where creation_time >= :t")
                .param("t", millis)
                .query(Long.class)
                .single();
    }
}
