package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operator sends a FAILED (or, with SMTP configured, HELD) email again: back to PENDING with its
 * attempts reset, audited with a reason, sent once however many resends come at once; a sent email,
 * or one whose body was removed, is refused saying why.
 */
class AdminMailResendTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();
    static final String PASSWORD = "correct horse battery staple";
    static final Inbox inbox = new Inbox();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> inbox.port);
        r.add("renderbank.mail.send-interval", () -> "200ms");
        r.add("renderbank.mail.from", () -> "Render Test <no-reply@test.local>");
    }

    @BeforeAll
    static void up() {
        inbox.start();
    }

    @AfterAll
    static void down() {
        inbox.stop();
    }

    @Autowired
    Users users;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    record Admin(String email, String token) {}

    Admin newAdmin() {
        UserAccount a = users.create("ops-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.ADMIN, true);
        return new Admin(a.email(), users.issueToken(a.id(), "test"));
    }

    UserAccount newUser() {
        return users.create("u" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
    }

    /** An email as the outbox holds it after its sends failed (or, with {@code status}, otherwise). */
    long stored(UserAccount u, String status, String body, Instant nextAttempt) {
        return jdbc.sql("""
                        insert into mail_outbox (message_key, template, recipient, user_id, subject, body_text,
                                    body_html, status, attempts, last_error, next_attempt_at, created_at)
                        values (:key, 'compensation', :to, :user, '7 credits from renderbank', :body, :html,
                                :status, 5, '421 try later', :next, :now)
                        returning id""")
                .param("key", "test:" + UUID.randomUUID())
                .param("to", u.email())
                .param("user", u.id())
                .param("body", body)
                .param("html", "<p>" + body + "</p>")
                .param("status", status)
                .param("next", Timestamp.from(nextAttempt))
                .param("now", Timestamp.from(clock.instant()))
                .query(Long.class)
                .single();
    }

    long failed(UserAccount u) {
        return stored(u, "FAILED", "You got 7 credits", clock.instant());
    }

    HttpResponse<String> resend(String token, long id, String json, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/admin/mail/" + id + "/resend"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String status(long id) {
        return jdbc.sql("select status from mail_outbox where id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    long auditRecords(long id) {
        return jdbc.sql("select count(*) from operator_action where action = 'mail-resend' and target = :t")
                .param("t", "mail:" + id)
                .query(Long.class)
                .single();
    }

    void awaitSent(long id) {
        await().atMost(Duration.ofSeconds(15)).until(() -> status(id).equals("SENT"));
    }

    @Test
    void aFailedEmailIsSentAgainOnceAuditedAndASentOneIsRefused() throws Exception {
        Admin admin = newAdmin();
        UserAccount u = newUser();
        long id = failed(u);

        HttpResponse<String> noReason = resend(admin.token(), id, "{}", null);
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(status(id)).isEqualTo("FAILED");

        String key = "resend-" + UUID.randomUUID();
        HttpResponse<String> r = resend(admin.token(), id, "{\"reason\":\"SMTP is back\"}", key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode record = JSON.readTree(r.body());
        assertThat(record.get("action").asString()).isEqualTo("mail-resend");
        assertThat(record.get("target").asString()).isEqualTo("mail:" + id);
        JsonNode before = JSON.readTree(record.get("before").asString());
        JsonNode after = JSON.readTree(record.get("after").asString());
        assertThat(before.get("status").asString()).isEqualTo("FAILED");
        assertThat(before.get("attempts").asInt()).isEqualTo(5);
        assertThat(after.get("status").asString()).isEqualTo("PENDING");
        assertThat(after.get("attempts").asInt()).isZero();

        awaitSent(id);
        assertThat(inbox.to(u.email())).hasSize(1);
        assertThat(inbox.to(u.email()).get(0).text()).contains("You got 7 credits");

        HttpResponse<String> repeat = resend(admin.token(), id, "{\"reason\":\"SMTP is back\"}", key);
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(repeat.body()).get("repeated").asBoolean()).isTrue();

        HttpResponse<String> sent = resend(admin.token(), id, "{\"reason\":\"once more\"}", null);
        assertThat(sent.statusCode()).isEqualTo(409);
        assertThat(sent.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        assertThat(JSON.readTree(sent.body()).get("detail").asString()).contains("sent");
        assertThat(auditRecords(id)).isEqualTo(1);
        // a few sender rounds: nothing more goes out
        await().during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(5))
                .until(() -> inbox.to(u.email()).size() == 1);
    }

    @Test
    void twoResendsAtOnceSendTheEmailOnce() throws Exception {
        Admin admin = newAdmin();
        UserAccount u = newUser();
        long id = failed(u);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Integer> codes = new ArrayList<>();
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(() -> resend(admin.token(), id, "{\"reason\":\"retry\"}", null)
                        .statusCode());
            }
            for (Future<Integer> f : pool.invokeAll(calls)) {
                codes.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(codes).allSatisfy(c -> assertThat(c).isIn(200, 409));
        assertThat(jdbc.sql("select count(*) from operator_action where action = 'mail-resend' and target = :t"
                                + " and before_state ->> 'status' = 'FAILED'")
                        .param("t", "mail:" + id)
                        .query(Long.class)
                        .single())
                .as("one resend moved it back to PENDING")
                .isEqualTo(1);
        awaitSent(id);
        await().during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(5))
                .until(() -> inbox.to(u.email()).size() == 1);
    }

    @Test
    void anEmailAlreadyPendingIsLeftAsItIs() throws Exception {
        Admin admin = newAdmin();
        UserAccount u = newUser();
        Instant later = clock.instant().plus(Duration.ofHours(1));
        long id = stored(u, "PENDING", "Wait for it", later);

        HttpResponse<String> r = resend(admin.token(), id, "{\"reason\":\"stuck?\"}", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("after").asString()).contains("already pending");
        assertThat(jdbc.sql("select attempts from mail_outbox where id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .as("its attempts and its next attempt are untouched")
                .isEqualTo(5);
        assertThat(status(id)).isEqualTo("PENDING");
        jdbc.sql("update mail_outbox set status = 'FAILED' where id = :id")
                .param("id", id)
                .update();
    }

    @Test
    void aHeldEmailIsSentOnceSmtpIsConfigured() throws Exception {
        Admin admin = newAdmin();
        UserAccount u = newUser();
        long id = stored(u, "HELD", "Held while there was no SMTP", clock.instant());
        assertThat(resend(admin.token(), id, "{\"reason\":\"SMTP configured now\"}", null)
                        .statusCode())
                .isEqualTo(200);
        awaitSent(id);
        assertThat(inbox.to(u.email())).hasSize(1);
    }

    @Test
    void anEmailWhoseBodyWasRemovedOrAnUnknownOneIsRefused() throws Exception {
        Admin admin = newAdmin();
        UserAccount u = newUser();
        long removed = stored(u, "FAILED", "(removed: the account was deleted)", clock.instant());
        HttpResponse<String> r = resend(admin.token(), removed, "{\"reason\":\"x\"}", null);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(r.body()).get("detail").asString()).contains("removed");
        assertThat(status(removed)).isEqualTo("FAILED");
        assertThat(auditRecords(removed)).isZero();

        assertThat(resend(admin.token(), 987_654_321L, "{\"reason\":\"x\"}", null)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void onlyAnAdminMayResend() throws Exception {
        UserAccount u = newUser();
        long id = failed(u);
        assertThat(resend(null, id, "{\"reason\":\"x\"}", null).statusCode()).isEqualTo(401);
        String userToken = users.issueToken(u.id(), "test");
        assertThat(resend(userToken, id, "{\"reason\":\"x\"}", null).statusCode())
                .isEqualTo(403);
        assertThat(status(id)).isEqualTo("FAILED");
    }

    @Test
    void theMailPagesOfferResendForAFailedEmail() throws Exception {
        Admin admin = newAdmin();
        UserAccount u = newUser();
        long id = failed(u);
        String action = "/admin/mail/" + id + "/resend";
        SessionApi session = SessionApi.signIn(port, admin.email(), PASSWORD, "/admin/mail");
        BrowserSession browser = session.browser();
        assertThat(browser.get("/admin/mail").body()).contains(action);
        assertThat(browser.get("/admin/mail/" + id).body()).contains(action);

        HttpResponse<String> posted =
                browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + action))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("_csrf="
                                + URLEncoder.encode(session.csrf(), StandardCharsets.UTF_8) + "&idempotencyKey="
                                + UUID.randomUUID() + "&reason=retry")));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
        assertThat(posted.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/admin/mail/" + id));
        awaitSent(id);
        assertThat(browser.get("/admin/mail/" + id).body()).doesNotContain(action);
    }
}
