package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * README: held emails "can be read at /admin/mail or GET /api/v1/admin/mail". One message is read
 * whole (its stored headers, text and HTML bodies) by an admin, over the API and as a page that
 * shows both bodies as text: an email's markup is never rendered inside the admin page.
 */
class AdminMailMessageTest extends IntegrationTest {

    static final String PASSWORD = "a-long-password-123";

    @Autowired
    Notifier notifier;

    @Autowired
    Users users;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    UserAccount newUser(Role role) {
        return users.create("m" + UUID.randomUUID() + "@example.com", PASSWORD, role, true);
    }

    /** A held compensation email whose reason carries markup; its outbox id. */
    long heldEmail(UserAccount u) {
        String cause = "grant:read-" + u.id();
        assertThat(notifier.compensation(u.id(), cause, 7, "sorry <b>really</b>"))
                .isEqualTo(Queued.QUEUED);
        return notifier.message(cause, u.id()).orElseThrow().id();
    }

    @Test
    void anAdminReadsOneMessageWholeOverTheApi() {
        UserAccount u = newUser(Role.USER);
        long id = heldEmail(u);

        Api.Response r = new Api(port).get("/api/v1/admin/mail/" + id, ADMIN_TOKEN);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.get("id").asLong()).isEqualTo(id);
        assertThat(m.get("to").asString()).isEqualTo(u.email());
        assertThat(m.get("subject").asString()).isEqualTo("7 credits from renderbank");
        assertThat(m.get("template").asString()).isEqualTo("compensation");
        assertThat(m.get("key").asString()).isEqualTo("grant:read-" + u.id() + "|user:" + u.id() + "|email");
        assertThat(m.get("status").asString()).isEqualTo("held");
        assertThat(m.get("attempts").asInt()).isZero();
        assertThat(m.has("lastError")).isTrue();
        assertThat(m.get("lastError").isNull()).isTrue();
        assertThat(m.has("createdAt")).isTrue();
        // the plain-text part as rendered (text templates do not escape), the HTML part as its source
        assertThat(m.get("text").asString()).contains("sorry <b>really</b>");
        assertThat(m.get("html").asString()).contains("<h1").contains("sorry &lt;b&gt;really&lt;/b&gt;");
    }

    /**
     * A password reset's (or address confirmation's) one-time link is its owner's alone: read from the
     * outbox it would hand whoever holds an admin session or token the account. The rest of the email
     * is shown; the token is hidden, held or pending as once sent.
     */
    @Test
    void aOneTimeLinkIsHiddenFromOperators() {
        UserAccount u = newUser(Role.USER);
        String token = "reset-secret-" + UUID.randomUUID();
        String cause = "reset:" + u.id() + ":" + UUID.randomUUID();
        assertThat(notifier.passwordReset(u.id(), cause, token, null)).isEqualTo(Queued.QUEUED);
        long id = notifier.message(cause, u.id()).orElseThrow().id();

        Api.Response r = new Api(port).get("/api/v1/admin/mail/" + id, ADMIN_TOKEN);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(token);
        assertThat(r.json().get("text").asString()).contains("/password/reset?token=(hidden)");
    }

    @Test
    void anUnknownMessageIsA404Problem() {
        Api api = new Api(port);
        Api.Response r = api.get("/api/v1/admin/mail/999999999", ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("999999999");
        assertThat(api.get("/api/v1/admin/mail/not-a-number", ADMIN_TOKEN).status())
                .isEqualTo(400);
    }

    @Test
    void oneMessageIsForAdminsOnly() throws Exception {
        long id = heldEmail(newUser(Role.USER));
        Api api = new Api(port);
        UserAccount user = newUser(Role.USER);
        String userToken = users.issueToken(user.id(), "t");
        assertThat(api.get("/api/v1/admin/mail/" + id, userToken).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/admin/mail/" + id, null).status()).isEqualTo(401);

        assertThat(BrowserSession.signIn(port, user.email(), PASSWORD)
                        .get("/admin/mail/" + id)
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> anonymous = BrowserSession.anonymous(port).get("/admin/mail/" + id);
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElse("")).endsWith("/login");
    }

    @Test
    void theMessagePageShowsBothBodiesAsTextAndTheListLinksToIt() throws Exception {
        UserAccount u = newUser(Role.USER);
        long id = heldEmail(u);
        BrowserSession admin = BrowserSession.signIn(port, newUser(Role.ADMIN).email(), PASSWORD);

        assertThat(admin.get("/admin/mail").body()).contains("href=\"/admin/mail/" + id + "\"");

        HttpResponse<String> page = admin.get("/admin/mail/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains(u.email())
                .contains("7 credits from renderbank")
                .contains("sorry &lt;b&gt;really&lt;/b&gt;") // the text part, escaped
                .doesNotContain("sorry <b>really</b>")
                .contains("&lt;h1") // the HTML part as source
                .doesNotContain("Open your account</a>"); // never its markup

        HttpResponse<String> unknown = admin.get("/admin/mail/999999999");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    /** Whatever a stored HTML body holds (a template's bug, a future template), it stays text on the page. */
    @Test
    void aStoredScriptIsShownNotRun() throws Exception {
        long id = jdbc.sql("""
                        insert into mail_outbox (message_key, template, recipient, subject, body_text, body_html,
                                    status, next_attempt_at, created_at)
                        values (:key, 'compensation', 'x@example.com', 'hi', 'plain', :html, 'HELD', now(), now())
                        returning id""")
                .param("key", "test:script-" + UUID.randomUUID())
                .param("html", "<p>hi</p><script>alert(1)</script><img src=x onerror=alert(2)>")
                .query(Long.class)
                .single();
        HttpResponse<String> page = BrowserSession.signIn(
                        port, newUser(Role.ADMIN).email(), PASSWORD)
                .get("/admin/mail/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .doesNotContain("<script>alert(1)")
                .doesNotContain("<img src=x")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
    /** Without an SMTP server a held email would only be held again: resending it is refused, saying why. */
    @Test
    void aHeldEmailIsNotResentWhileNoSmtpServerIsConfigured() {
        UserAccount u = newUser(Role.USER);
        long id = heldEmail(u);
        Api.Response r =
                new Api(port).post("/api/v1/admin/mail/" + id + "/resend", ADMIN_TOKEN, "{\"reason\":\"try\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().get("detail").asString()).contains("SMTP");
        assertThat(notifier.outboxMail(id).orElseThrow().message().status()).isEqualTo("HELD");
    }
}
