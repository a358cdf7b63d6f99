package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.Accounts;
import dev.renderbank.identity.Passwords;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * An email whose link has expired is worth nothing: a password-reset email (its link lives 1 h) that
 * an SMTP outage kept in the outbox past its link's lifetime is not sent but ends {@code FAILED},
 * saying the link expired, and an operator's "Send again" of it is refused, telling them the user must
 * ask for a new link. One sent within the link's lifetime goes as before. The same for a
 * verification email (its link lives 24 h).
 */
class ExpiredLinkMailTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();
    static final String PASSWORD = "correct horse battery staple";
    static final Inbox inbox = new Inbox();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> inbox.port);
        r.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        r.add("spring.mail.properties.mail.smtp.timeout", () -> "2000");
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

    @AfterEach
    void smtpBack() {
        inbox.stop();
        inbox.start();
    }

    @Autowired
    Users users;

    @Autowired
    Passwords passwords;

    @Autowired
    Accounts accounts;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    UserAccount newUser() {
        return users.create("u" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
    }

    /** The user's reset email as the outbox holds it: id, status, attempts, last_error. */
    Map<String, Object> resetMail(UserAccount u) {
        return mail(u.id(), "password-reset");
    }

    /** The user's one email of {@code template} as the outbox holds it: id, status, attempts, last_error. */
    Map<String, Object> mail(long userId, String template) {
        return jdbc.sql("select id, status, attempts, last_error from mail_outbox where user_id = :u and template = :t")
                .param("u", userId)
                .param("t", template)
                .query()
                .singleRow();
    }

    boolean queued(UserAccount u) {
        return queued(u.id(), "password-reset");
    }

    boolean queued(long userId, String template) {
        return jdbc.sql("select count(*) from mail_outbox where user_id = :u and template = :t")
                        .param("u", userId)
                        .param("t", template)
                        .query(Long.class)
                        .single()
                == 1;
    }

    /** Asks for a reset link while the SMTP server is down, and waits for its email's first failed attempt. */
    UserAccount resetRequestedDuringOutage() {
        clock.freeze();
        inbox.stop();
        UserAccount u = newUser();
        assertThat(passwords.requestReset(u.email(), "expired-link-" + UUID.randomUUID()))
                .isTrue();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> queued(u)
                        && resetMail(u).get("status").equals("PENDING")
                        && resetMail(u).get("last_error") != null);
        return u;
    }

    @Test
    void aResetEmailHeldUpPastItsLinksLifetimeIsNotSentAndSaysWhy() throws Exception {
        UserAccount u = resetRequestedDuringOutage();

        clock.advance(Duration.ofMinutes(61)); // the link lives 1 h
        inbox.start();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !resetMail(u).get("status").equals("PENDING"));
        Map<String, Object> mail = resetMail(u);
        assertThat(mail.get("status")).as("%s", mail).isEqualTo("FAILED");
        assertThat((String) mail.get("last_error")).contains("link expired");
        assertThat(inbox.to(u.email())).as("no dead link sent").isEmpty();

        UserAccount admin = users.create("ops-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.ADMIN, true);
        String token = users.issueToken(admin.id(), "test");
        long id = ((Number) mail.get("id")).longValue();
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/admin/mail/" + id + "/resend"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"SMTP is back\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("type").asString()).endsWith("mail-link-expired");
        assertThat(problem.get("detail").asString()).contains("expired").contains("must ask for a new link");
        assertThat(resetMail(u).get("status")).isEqualTo("FAILED");
        await().during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(5))
                .until(() -> inbox.to(u.email()).isEmpty());
    }

    @Test
    void aResetEmailHeldUpLessThanItsLinksLifetimeIsSent() {
        UserAccount u = resetRequestedDuringOutage();

        clock.advance(Duration.ofMinutes(50));
        inbox.start();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> resetMail(u).get("status").equals("SENT"));
        assertThat(inbox.to(u.email())).hasSize(1);
        assertThat(inbox.to(u.email()).get(0).text()).contains("/password/reset?token=");
    }

    @Test
    void aVerificationEmailHeldUpPastItsLinksLifetimeIsNotSent() {
        clock.freeze();
        inbox.stop();
        String email = "v" + UUID.randomUUID() + "@example.com";
        accounts.signUp(email, PASSWORD, null, "expired-link-" + UUID.randomUUID());
        long userId = users.byEmail(email).orElseThrow().id();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> queued(userId, "verify-email")
                        && mail(userId, "verify-email").get("last_error") != null);

        clock.advance(Duration.ofHours(25)); // the link lives 24 h
        inbox.start();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !mail(userId, "verify-email").get("status").equals("PENDING"));
        assertThat(mail(userId, "verify-email").get("status")).isEqualTo("FAILED");
        assertThat((String) mail(userId, "verify-email").get("last_error")).contains("link expired");
        assertThat(inbox.to(email)).isEmpty();
    }
}
