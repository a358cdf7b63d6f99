package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Without {@code spring.mail.host} (the default) mail stays in the outbox, readable by admins; the
 * user's notification settings over the API.
 */
@ExtendWith(OutputCaptureExtension.class)
class NotifyApiTest extends IntegrationTest {

    @Autowired
    Notifier notifier;

    @Autowired
    Users users;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    UserAccount newUser() {
        return users.create("a" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.USER, true);
    }

    @Test
    void withoutSmtpMessagesAreHeldInTheOutboxAndTheVerificationLinkIsLogged(CapturedOutput output) {
        UserAccount u = newUser();
        assertThat(notifier.delivering()).isFalse();
        assertThat(notifier.emailVerification(u.id(), "verify:held-" + u.id(), "tok-held-" + u.id(), null))
                .isEqualTo(Queued.QUEUED);
        OutboxMessage m = notifier.message("verify:held-" + u.id(), u.id()).orElseThrow();
        assertThat(m.status()).isEqualTo("HELD");
        assertThat(m.to()).isEqualTo(u.email());
        assertThat(m.attempts()).isZero();
        assertThat(output.getOut()).contains("/verify-email?token=tok-held-" + u.id());
    }

    /** Purchase events stored (as task data) by the release before {@code renewal} existed still run. */
    @Test
    void aPurchaseEventStoredWithoutRenewalReadsAsAFirstPurchase() {
        PurchaseCompleted e = json.readValue("""
                {"userId":7,"product":"pack-200","credits":200,"amountMinor":990,"currency":"USD","reference":"r1"}""", PurchaseCompleted.class);
        assertThat(e).isEqualTo(new PurchaseCompleted(7, "pack-200", 200, 990, "USD", "r1", false));
    }

    @Test
    void adminsReadTheOutboxNewestFirstPageByPage() {
        UserAccount u = newUser();
        for (int i = 0; i < 3; i++) {
            notifier.compensation(u.id(), "grant:page-" + u.id() + "-" + i, 5 + i, "reason " + i);
        }
        Api api = new Api(port);
        Api.Response first = api.get("/api/v1/admin/mail?limit=2", ADMIN_TOKEN);
        assertThat(first.status()).isEqualTo(200);
        JsonNode items = first.json().get("items");
        assertThat(items.size()).isEqualTo(2);
        assertThat(items.get(0).get("to").asString()).isEqualTo(u.email());
        assertThat(items.get(0).get("subject").asString()).isEqualTo("7 credits from renderbank");
        assertThat(items.get(0).get("status").asString()).isEqualTo("held");
        assertThat(items.get(0).get("attempts").asInt()).isZero();
        assertThat(items.get(0).has("createdAt")).isTrue();
        assertThat(items.get(0).get("sentAt").isNull()).isTrue();
        assertThat(items.get(0).has("lastError")).isTrue();
        long cursor = first.json().get("nextCursor").asLong();

        Api.Response second = api.get("/api/v1/admin/mail?limit=2&cursor=" + cursor, ADMIN_TOKEN);
        assertThat(second.json().get("items").get(0).get("subject").asString()).isEqualTo("5 credits from renderbank");
        assertThat(second.json().get("items").get(0).get("id").asLong()).isLessThan(cursor);

        Api.Response bad = api.get("/api/v1/admin/mail?limit=0", ADMIN_TOKEN);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
        assertThat(bad.body()).contains("limit");
    }

    @Test
    void theOutboxIsForAdminsOnly() throws Exception {
        Api api = new Api(port);
        String userToken = users.issueToken(newUser().id(), "t");
        assertThat(api.get("/api/v1/admin/mail", userToken).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/admin/mail", null).status()).isEqualTo(401);
        assertThat(api.get("/admin/mail", userToken).status()).isEqualTo(302); // pages need a session

        UserAccount user = newUser();
        assertThat(session(user.email()).get("/admin/mail").statusCode()).isEqualTo(403);
        UserAccount admin =
                users.create("admin" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.ADMIN, true);
        HttpResponse<String> page = session(admin.email()).get("/admin/mail");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Mail outbox").contains("Outbox only");
    }

    /** A browser-like client signed in with the login form. */
    private BrowserSession session(String email) throws Exception {
        return BrowserSession.signIn(port, email, "a-long-password-123");
    }

    @Test
    void usersTurnGenerationEmailsOffAndOn() throws Exception {
        UserAccount u = newUser();
        String token = users.issueToken(u.id(), "t");
        Api api = new Api(port);
        assertThat(api.get("/api/v1/notification-settings", token)
                        .json()
                        .get("generationEmails")
                        .asBoolean())
                .isTrue();

        assertThat(put(token, "{\"generationEmails\":false}").body()).contains("\"generationEmails\":false");
        assertThat(api.get("/api/v1/notification-settings", token)
                        .json()
                        .get("generationEmails")
                        .asBoolean())
                .isFalse();
        assertThat(notifier.generationReady(u.id(), "gen_x", "image", "sd", false))
                .isEqualTo(Queued.OPTED_OUT);
        assertThat(notifier.message("generation:gen_x", u.id())).isEmpty();
        // a field left out keeps its value
        JsonNode thresholdOnly =
                json.readTree(put(token, "{\"creditsLowThreshold\":5}").body());
        assertThat(thresholdOnly.get("generationEmails").asBoolean()).isFalse();
        assertThat(thresholdOnly.get("creditsLowThreshold").asLong()).isEqualTo(5);

        HttpResponse<String> missing = put(token, "{}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("generationEmails");
        assertThat(put(token, "{\"generationEmails\":\"no\"}").statusCode()).isEqualTo(400);
        assertThat(notifier.generationEmails(u.id())).isFalse(); // nothing written by bad input

        put(token, "{\"generationEmails\":true}");
        assertThat(notifier.generationEmails(u.id())).isTrue();
        assertThat(api.get("/api/v1/notification-settings", null).status()).isEqualTo(401);
    }

    private HttpResponse<String> put(String token, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/notification-settings"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
