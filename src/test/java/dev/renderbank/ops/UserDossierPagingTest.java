package dev.renderbank.ops;

import static dev.renderbank.ops.AdminSupport.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.core.WebhookIntake;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.OpenedCheckouts;
import dev.renderbank.support.TestUsers;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The user dossier pages through all of a user's jobs and ledger entries (not only the newest 20
 * and 50), on the API and the page, and shows their checkouts and the payment webhooks that name
 * them, so "I was charged but got no credits" is answered from it; the payments page filters by user.
 */
class UserDossierPagingTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    AdminSupport admins;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Autowired
    WebhookIntake webhooks;

    @Autowired
    ProductCatalog catalog;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void restoreSimulator() {
        simulator.reset();
    }

    private JsonNode get(String path, String token) {
        HttpResponse<String> r = call(port, "GET", path, token, null, null);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private long entriesOf(long userId) {
        return jdbc.sql("select count(*) from ledger_entry where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .single();
    }

    @Test
    void everyJobAndEveryEntryIsReachedPageByPageAndABadCursorIsA400NamingIt() throws Exception {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        for (int i = 0; i < 60; i++) {
            ledger.grant(u.id(), 1, GrantSource.ADMIN, "paging:" + u.id() + ":" + i, null, "entry " + i);
        }
        List<String> jobs = new ArrayList<>();
        simulator.setImageDuration(Duration.ofMillis(200));
        Api api = new Api(port);
        for (int i = 0; i < 3; i++) {
            var accepted = api.post(
                    "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"p" + i + "\"}");
            assertThat(accepted.status()).as(accepted.body()).isBetween(200, 299);
            String taskId = accepted.json().get("taskId").asString();
            api.awaitTerminal(taskId, u.token()); // the in-flight cap is two
            jobs.add(taskId);
            clock.advance(Duration.ofMinutes(4)); // past the cooldown
        }

        // jobs, one a page: all three, newest first, then no cursor
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode d = get(
                    "/api/v1/admin/users?id=" + u.id() + "&limit=1"
                            + (cursor == null
                                    ? ""
                                    : "&jobsCursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)),
                    admin.token());
            d.get("jobs").forEach(j -> seen.add(j.get("id").asString()));
            cursor = d.get("jobsNextCursor").isNull()
                    ? null
                    : d.get("jobsNextCursor").asString();
        } while (cursor != null && seen.size() < 10);
        assertThat(seen).containsExactly(jobs.get(2), jobs.get(1), jobs.get(0));

        // entries at the default 50 a page: every one of them once
        JsonNode first = get("/api/v1/admin/users?id=" + u.id(), admin.token());
        assertThat(first.get("history")).hasSize(50);
        assertThat(first.get("jobs")).hasSize(3);
        assertThat(first.get("jobsNextCursor").isNull()).isTrue();
        String next = first.get("historyNextCursor").asString();
        JsonNode second = get("/api/v1/admin/users?id=" + u.id() + "&historyCursor=" + next, admin.token());
        var ids = new HashSet<Long>();
        first.get("history").forEach(e -> ids.add(e.get("id").asLong()));
        second.get("history").forEach(e -> ids.add(e.get("id").asLong()));
        assertThat(ids).hasSize((int) entriesOf(u.id()));
        assertThat(second.get("historyNextCursor").isNull()).isTrue();

        for (String bad : new String[] {
            "jobsCursor=nonsense",
            "historyCursor=abc",
            "historyCursor=-4",
            "limit=0",
            "limit=101",
            "page=2",
            "offset=50"
        }) {
            HttpResponse<String> r =
                    call(port, "GET", "/api/v1/admin/users?id=" + u.id() + "&" + bad, admin.token(), null, null);
            String field = bad.substring(0, bad.indexOf('='));
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(r.body()).as(bad).contains("\"field\":\"" + field + "\"");
        }

        // the page: "Older entries" leads to the rest; an edited cursor is a 400 page naming it
        BrowserSession browser = BrowserSession.signIn(port, admin.email(), PASSWORD);
        String page = browser.get("/admin/users?q=" + u.id()).body();
        assertThat(page).contains("href=\"/admin/jobs/" + jobs.get(0) + "\"");
        Matcher older =
                Pattern.compile("id=\"history-older\" href=\"([^\"]+)\"").matcher(page);
        assertThat(older.find()).as("an Older entries link").isTrue();
        HttpResponse<String> olderPage = browser.get(older.group(1).replace("&amp;", "&"));
        assertThat(olderPage.statusCode()).isEqualTo(200);
        assertThat(olderPage.body()).contains("id=\"history-newest\"").doesNotContain("id=\"history-older\"");
        HttpResponse<String> edited = browser.get("/admin/users?q=" + u.id() + "&historyCursor=abc");
        assertThat(edited.statusCode()).isEqualTo(400);
        assertThat(edited.body()).contains("historyCursor");
    }

    /** A pack checkout opened for {@code userId} and paid at Creem, its webhook processed; the event's id. */
    private String paidPack(long userId) {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        var pack = catalog.product("pack-200").orElseThrow();
        String event = """
                {"id":"evt_%1$s","eventType":"checkout.completed","created_at":1728734325927,
                 "object":{"id":"ch_%1$s","object":"checkout","request_id":"req_%1$s",
                   "order":{"id":"ord_%1$s","product":"%2$s","amount":%3$d,"currency":"%4$s","status":"paid","type":"onetime"},
                   "product":{"id":"%2$s"},"customer":{"email":"buyer@example.com"},
                   "status":"completed","metadata":{"userId":"%5$d"}}}""".formatted(id, pack.creemProductId(), pack.priceMinor(), pack.currency(), userId);
        assertThat(webhooks.receive(
                                "creem",
                                "evt_" + id,
                                "checkout.completed",
                                OpenedCheckouts.forCreemEvent(jdbc, "creem", event))
                        .status())
                .isEqualTo("processed");
        return "evt_" + id;
    }

    @Test
    void theDossierShowsCheckoutsAndPaymentEventsAndThePaymentsPageFiltersByUser() throws Exception {
        var admin = admins.newAdmin();
        var buyer = testUsers.create(0);
        var other = testUsers.create(0);
        String mine = paidPack(buyer.id());
        String theirs = paidPack(other.id());
        var pack = catalog.product("pack-200").orElseThrow();

        JsonNode d = get("/api/v1/admin/users?id=" + buyer.id(), admin.token());
        assertThat(d.get("checkouts")).hasSize(1);
        assertThat(d.get("checkouts").get(0).get("status").asString()).isEqualTo("COMPLETED");
        assertThat(d.get("checkouts").get(0).get("product").asString()).isEqualTo("pack-200");
        assertThat(d.get("paymentEvents")).hasSize(1);
        JsonNode e = d.get("paymentEvents").get(0);
        assertThat(e.get("eventId").asString()).isEqualTo(mine);
        assertThat(e.get("eventType").asString()).isEqualTo("checkout.completed");
        assertThat(e.get("status").asString()).isEqualTo("PROCESSED");
        assertThat(e.get("amountMinor").asLong()).isEqualTo(pack.priceMinor());
        assertThat(e.get("currency").asString()).isEqualToIgnoringCase(pack.currency());

        BrowserSession browser = BrowserSession.signIn(port, admin.email(), PASSWORD);
        String dossier = browser.get("/admin/users?q=" + buyer.id()).body();
        assertThat(dossier).contains("id=\"checkouts\"", "id=\"payment-events\"", "checkout.completed", "PROCESSED");

        for (String who : new String[] {Long.toString(buyer.id()), buyer.email()}) {
            HttpResponse<String> filtered =
                    browser.get("/admin/payments?user=" + URLEncoder.encode(who, StandardCharsets.UTF_8));
            assertThat(filtered.statusCode()).isEqualTo(200);
            assertThat(filtered.body()).contains(mine).doesNotContain(theirs);
        }
        assertThat(browser.get("/admin/payments").body()).contains(mine, theirs);
        HttpResponse<String> nobody = browser.get("/admin/payments?user=nobody%40nowhere.invalid");
        assertThat(nobody.statusCode()).isEqualTo(404);
        assertThat(nobody.body())
                .contains("No user has this id or email address")
                .doesNotContain(mine);
        HttpResponse<String> badStatus = browser.get("/admin/payments?user=" + buyer.id() + "&status=nope");
        assertThat(badStatus.statusCode()).isEqualTo(400);
    }
}
