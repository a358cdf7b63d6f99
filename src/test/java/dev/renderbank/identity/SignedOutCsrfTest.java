package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The CSRF protection of the signed-out forms, whose token is kept in the browser's {@code rb_csrf}
 * cookie rather than a session: a form is accepted only with the cookie and the token of a page
 * that went with it, refusals say to reload, and signing in replaces the token, so one planted or
 * learnt before the sign-in (login CSRF, fixation) cannot be used after it.
 */
class SignedOutCsrfTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String COOKIE = "rb_csrf";

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

    /**
     * Each signed-out form posted without the token cookie, with a token of another browser, or
     * without a token: 403, the error page says to reload, nothing is done and no session stored.
     * The token that went with the cookie is accepted.
     */
    @Test
    void aSignedOutFormIsRefusedWithoutItsCookieOrWithAnotherToken() throws Exception {
        String email = "refused-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        RawForms raw = new RawForms(port);
        HttpResponse<String> mine = raw.get("/login", null);
        String myCookie = RawForms.cookie(mine, COOKIE);
        String myToken = RawForms.formToken(mine);
        HttpResponse<String> theirs = raw.get("/login", null);
        String theirToken = RawForms.formToken(theirs);
        assertThat(RawForms.cookie(theirs, COOKIE)).isNotEqualTo(myCookie);

        long start = System.currentTimeMillis();
        List<String[]> forms = List.of(
                new String[] {"/login", "username", email, "password", PASSWORD},
                new String[] {"/signup", "email", "new-" + UUID.randomUUID() + "@test.local", "password", PASSWORD},
                new String[] {"/signup/resend", "email", email},
                new String[] {"/password/forgot", "email", email},
                new String[] {"/password/reset", "token", "t", "password", PASSWORD},
                new String[] {"/verify-email", "token", "t", "password", PASSWORD});
        for (String[] form : forms) {
            String action = form[0];
            String[] fields = java.util.Arrays.copyOfRange(form, 1, form.length);
            assertRefused(action, raw.post(action, null, with("_csrf", myToken, fields)), "without the cookie");
            assertRefused(action, raw.post(action, myCookie, with("_csrf", theirToken, fields)), "another's token");
            assertRefused(action, raw.post(action, myCookie, with("_csrf", null, fields)), "no token");
            assertRefused(action, raw.post(action, myCookie, with("_csrf", "x" + myToken, fields)), "a bad token");
        }
        assertThat(sessionsSince(start)).as("sessions stored by refused forms").isZero();
        assertThat(MailedLinks.count(jdbc, "password-reset", email)).isZero();

        HttpResponse<String> signedIn =
                raw.post("/login", myCookie, "_csrf", myToken, "username", email, "password", PASSWORD);
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(FormClient.location(signedIn)).doesNotContain("/login");
    }

    /** The form's field is the token XOR-masked afresh for each view (BREACH): each of them works. */
    @Test
    void theFormsTokenIsMaskedAfreshForEachView() throws Exception {
        RawForms raw = new RawForms(port);
        HttpResponse<String> first = raw.get("/password/forgot", null);
        String cookie = RawForms.cookie(first, COOKIE);
        HttpResponse<String> second = raw.get("/password/forgot", cookie);
        assertThat(RawForms.setCookie(second, COOKIE))
                .as("the browser's token is kept")
                .isEmpty();
        assertThat(RawForms.formToken(second)).isNotEqualTo(RawForms.formToken(first));
        for (HttpResponse<String> view : List.of(first, second)) {
            HttpResponse<String> sent = raw.post(
                    "/password/forgot", cookie, "_csrf", RawForms.formToken(view), "email", "nobody@test.local");
            assertThat(sent.statusCode()).isEqualTo(200);
            assertThat(sent.body()).contains("id=\"sent\"");
        }
    }

    /**
     * An attacker's own token pair, planted in the victim's browser before the victim signs in, works
     * for the sign-in form (as any signed-out token would) and for nothing after it: the sign-in
     * clears the cookie, the signed-in session holds a token of its own, and a signed-in form posted
     * with the attacker's pair (cookie planted again) or the victim's own pre-sign-in token is refused.
     */
    @Test
    void aTokenFromBeforeSignInIsOfNoUseAfterIt() throws Exception {
        String email = "victim-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        RawForms raw = new RawForms(port);
        HttpResponse<String> attackers = raw.get("/login", null);
        String planted = RawForms.cookie(attackers, COOKIE);
        String attackerToken = RawForms.formToken(attackers);

        HttpResponse<String> loginPage = raw.get("/login", planted);
        String victimToken = RawForms.formToken(loginPage);
        HttpResponse<String> signedIn =
                raw.post("/login", planted, "_csrf", victimToken, "username", email, "password", PASSWORD);
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(FormClient.location(signedIn)).doesNotContain("/login");
        assertThat(RawForms.setCookie(signedIn, COOKIE))
                .as("the sign-in clears the token cookie")
                .hasValueSatisfying(c -> assertThat(c)
                        .startsWith(COOKIE + "=;")
                        .containsPattern("(?i)max-age=0|expires=thu, 01 jan 1970"));
        String session = RawForms.cookie(signedIn, "SESSION");

        String both = session + "; " + planted;
        for (String stale : List.of(attackerToken, victimToken)) {
            HttpResponse<String> out = raw.post("/logout", both, "_csrf", stale);
            assertThat(out.statusCode())
                    .as("sign-out with a token from before sign-in")
                    .isEqualTo(403);
            assertThat(raw.post("/logout", session, "_csrf", stale).statusCode())
                    .as("without the planted cookie")
                    .isEqualTo(403);
        }
        HttpResponse<String> account = raw.get("/account", both);
        assertThat(account.statusCode()).as("still signed in").isEqualTo(200);
        assertThat(RawForms.setCookie(account, COOKIE))
                .as("no token cookie for a signed-in page")
                .isEmpty();

        HttpResponse<String> out = raw.post("/logout", both, "_csrf", RawForms.metaToken(account));
        assertThat(FormClient.location(out)).endsWith("/login?logout");
        assertThat(FormClient.location(raw.get("/account", session))).endsWith("/login");
    }

    private static void assertRefused(String action, HttpResponse<String> r, String how) {
        assertThat(r.statusCode()).as("%s %s", action, how).isEqualTo(403);
        assertThat(r.body()).as("%s %s", action, how).contains("Reload the page and try again");
    }

    /** {@code fields} with {@code name, value} in front. */
    private static String[] with(String name, String value, String... fields) {
        String[] all = new String[fields.length + 2];
        all[0] = name;
        all[1] = value;
        System.arraycopy(fields, 0, all, 2, fields.length);
        return all;
    }

    private long sessionsSince(long millis) {
        return jdbc.sql("select count(*) from spring_session where creation_time >= :t")
                .param("t", millis)
                .query(Long.class)
                .single();
    }
}
