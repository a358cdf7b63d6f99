package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.notify.internal.Mailer;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * An operator looking for the emails that failed finds them by state, not by paging through every
 * sent one: {@code GET /api/v1/admin/mail?status=} and {@code /admin/mail?status=} list the emails of
 * one state (pending, held, failed, sent); any other word is a 400 that names the states.
 */
class AdminMailStatusFilterTest extends IntegrationTest {

    static final String PASSWORD = "a-long-password-123";

    @Autowired
    Mailer mailer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @LocalServerPort
    int port;

    /** Queued without SMTP (HELD), then set to {@code status} as the sender would have left it. */
    long email(String status) {
        String to = "f" + UUID.randomUUID() + "@example.com";
        mailer.queue(
                "filter-test:" + UUID.randomUUID(),
                "operator-alert",
                to,
                null,
                Map.of("kind", "test", "heading", "Test", "message", "m", "at", "now", "interval", 30));
        return jdbc.sql("update mail_outbox set status = :status where recipient = :to returning id")
                .param("status", status)
                .param("to", to)
                .query(Long.class)
                .single();
    }

    static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("items").forEach(i -> ids.add(i.get("id").asLong()));
        return ids;
    }

    @Test
    void theApiListsTheEmailsOfOneState() {
        long failed = email("FAILED");
        long sent = email("SENT");
        long held = email("HELD");
        Api api = new Api(port);

        JsonNode failedPage = api.get("/api/v1/admin/mail?status=failed&limit=200", ADMIN_TOKEN)
                .json();
        assertThat(ids(failedPage)).contains(failed).doesNotContain(sent, held);
        failedPage
                .get("items")
                .forEach(i -> assertThat(i.get("status").asString()).isEqualTo("failed"));

        assertThat(ids(api.get("/api/v1/admin/mail?status=FAILED&limit=200", ADMIN_TOKEN)
                        .json()))
                .contains(failed)
                .doesNotContain(sent);
        assertThat(ids(api.get("/api/v1/admin/mail?status=sent&limit=200", ADMIN_TOKEN)
                        .json()))
                .contains(sent)
                .doesNotContain(failed, held);
        assertThat(ids(api.get("/api/v1/admin/mail?limit=200", ADMIN_TOKEN).json()))
                .contains(failed, sent, held);
    }

    @Test
    void pagesOfOneStateFollowTheirCursor() {
        long first = email("FAILED");
        email("SENT");
        long second = email("FAILED");
        Api api = new Api(port);

        JsonNode page =
                api.get("/api/v1/admin/mail?status=failed&limit=1", ADMIN_TOKEN).json();
        assertThat(ids(page)).containsExactly(second);
        JsonNode older = api.get(
                        "/api/v1/admin/mail?status=failed&limit=1&cursor="
                                + page.get("nextCursor").asLong(),
                        ADMIN_TOKEN)
                .json();
        assertThat(ids(older)).containsExactly(first);
    }

    @Test
    void anUnknownStateIsA400NamingTheStates() {
        Api api = new Api(port);
        for (String bad : new String[] {"broken", "PENDINGX", "sent%27--"}) {
            Api.Response r = api.get("/api/v1/admin/mail?status=" + bad, ADMIN_TOKEN);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.body()).contains("status").contains("pending, held, failed, sent");
        }
    }

    @Test
    void thePageFiltersByStateAndLinksEachState() throws Exception {
        long failed = email("FAILED");
        long sent = email("SENT");
        BrowserSession admin = BrowserSession.signIn(
                port,
                users.create("mf" + UUID.randomUUID() + "@example.com", PASSWORD, Role.ADMIN, true)
                        .email(),
                PASSWORD);

        HttpResponse<String> all = admin.get("/admin/mail");
        assertThat(all.body()).contains("href=\"/admin/mail?status=failed\"", "href=\"/admin/mail?status=pending\"");

        String failedOnly = admin.get("/admin/mail?status=failed").body();
        assertThat(failedOnly).contains("href=\"/admin/mail/" + failed + "\"");
        assertThat(failedOnly).doesNotContain("href=\"/admin/mail/" + sent + "\"");

        HttpResponse<String> bad = admin.get("/admin/mail?status=lost");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("pending, held, failed, sent");
    }
}
