package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The README tells operators to act on operator alerts (billing.webhook.parked, accounts.same-address,
 * provider.exhausted, ...); without renderbank.ops.email they were only in the log and the table.
 * {@code GET /api/v1/admin/alerts} and {@code /admin/alerts} show them, newest first, by kind.
 */
class AdminAlertsTest extends IntegrationTest {

    static final String PASSWORD = "a-long-password-123";

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    Users users;

    @LocalServerPort
    int port;

    UserAccount newUser(Role role) {
        return users.create("al" + UUID.randomUUID() + "@example.com", PASSWORD, role, true);
    }

    /** A kind no other test raises, so the shared table's other alerts do not count. */
    static String kind(String name) {
        return "test." + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void adminsReadAlertsNewestFirstByKindPageByPage() {
        String parked = kind("parked");
        String other = kind("other");
        for (int i = 1; i <= 3; i++) {
            alerts.raise(parked, "event evt_" + i + " parked");
            clock.advance(Duration.ofMinutes(1));
        }
        alerts.raise(other, "something else");
        Api api = new Api(port);

        JsonNode newest = api.get("/api/v1/admin/alerts?limit=1", ADMIN_TOKEN).json();
        assertThat(newest.get("items").get(0).get("kind").asString()).isEqualTo(other);

        Api.Response first = api.get("/api/v1/admin/alerts?kind=" + parked + "&limit=2", ADMIN_TOKEN);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode items = first.json().get("items");
        assertThat(items.size()).isEqualTo(2);
        assertThat(items.get(0).get("kind").asString()).isEqualTo(parked);
        assertThat(items.get(0).get("message").asString()).isEqualTo("event evt_3 parked");
        assertThat(items.get(1).get("message").asString()).isEqualTo("event evt_2 parked");
        assertThat(items.get(0).get("id").asLong())
                .isGreaterThan(items.get(1).get("id").asLong());
        assertThat(items.get(0).get("createdAt").asString()).isNotBlank();
        long cursor = first.json().get("nextCursor").asLong();

        JsonNode second = api.get("/api/v1/admin/alerts?kind=" + parked + "&limit=2&cursor=" + cursor, ADMIN_TOKEN)
                .json();
        assertThat(second.get("items").size()).isEqualTo(1);
        assertThat(second.get("items").get(0).get("message").asString()).isEqualTo("event evt_1 parked");
        assertThat(second.has("nextCursor")).as("absent on the last page").isFalse();
    }

    @Test
    void badPagingIsA400NamingTheParameter() {
        Api api = new Api(port);
        for (String query : new String[] {"limit=0", "limit=201", "cursor=0", "page=2"}) {
            Api.Response r = api.get("/api/v1/admin/alerts?" + query, ADMIN_TOKEN);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.body()).contains(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void alertsAreForAdminsOnly() throws Exception {
        Api api = new Api(port);
        UserAccount user = newUser(Role.USER);
        assertThat(api.get("/api/v1/admin/alerts", users.issueToken(user.id(), "t"))
                        .status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/admin/alerts", null).status()).isEqualTo(401);
        assertThat(BrowserSession.signIn(port, user.email(), PASSWORD)
                        .get("/admin/alerts")
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> anonymous = BrowserSession.anonymous(port).get("/admin/alerts");
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElse("")).endsWith("/login");
    }

    @Test
    void thePageShowsAlertsTheirCountPerKindAndIsLinkedFromTheAdminNavigation() throws Exception {
        String parked = kind("parked");
        alerts.raise(parked, "first <b>parked</b>");
        clock.advance(Duration.ofMinutes(1));
        alerts.raise(parked, "second parked");
        String other = kind("other");
        alerts.raise(other, "not this one");
        BrowserSession admin = BrowserSession.signIn(port, newUser(Role.ADMIN).email(), PASSWORD);

        assertThat(admin.get("/admin").body()).contains("href=\"/admin/alerts\"");

        HttpResponse<String> all = admin.get("/admin/alerts");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body())
                .contains("first &lt;b&gt;parked&lt;/b&gt;")
                .doesNotContain("<b>parked</b>")
                .contains("not this one")
                // the per-kind summary: how many times each kind was raised
                .containsPattern(
                        "id=\"kind-" + parked + "\"[^>]*>\\s*<td><a[^>]*>" + parked + "</a></td>\\s*<td[^>]*>2</td>");

        HttpResponse<String> filtered = admin.get("/admin/alerts?kind=" + parked);
        assertThat(filtered.body()).contains("second parked").doesNotContain("not this one");
    }
}
