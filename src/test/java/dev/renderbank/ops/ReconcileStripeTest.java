package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.stripe.net.Webhook;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The seed's first incident, found by a machine: a Stripe checkout paid at Stripe (a local fake of its
 * API) whose webhook never arrived. Its own context (a fresh database and a Stripe API key), so the
 * system it starts from is clean and "clean" can be asserted.
 */
@TestPropertySource(
        properties = {
            "STRIPE_API_KEY=sk_test_reconcile",
            "STRIPE_WEBHOOK_SECRET=" + ReconcileStripeTest.WEBHOOK_SECRET,
            "renderbank.ops.reconcile.scheduled=false"
        })
class ReconcileStripeTest extends IntegrationTest {

    static final String WEBHOOK_SECRET = "whsec_reconcile_test_5d1e";
    static final WireMockServer STRIPE = new WireMockServer(options().dynamicPort());

    static {
        STRIPE.start();
    }

    @DynamicPropertySource
    static void stripeApi(DynamicPropertyRegistry registry) {
        registry.add("renderbank.payments.stripe.api-base", STRIPE::baseUrl);
    }

    @AfterAll
    static void stop() {
        STRIPE.stop();
    }

    private static final JsonMapper JSON = JsonMapper.shared();

    @LocalServerPort
    int port;

    @Autowired
    OpsCommands commands;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AdminSupport admins;

    @Test
    void aPaidCheckoutWithoutItsWebhookIsFoundRepairedOnceAndALateWebhookGrantsNothingMore() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        stubSessions();
        assertThat(cli("reconcile")).as("a clean system").isEqualTo(0);
        assertThat(latest(admin).path("clean").asBoolean()).isTrue();

        UserAccount buyer =
                users.create("buyer-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String first = session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        String second =
                session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-500", 1990);
        stubSessions(first, second);
        long alertsBefore = alerts();

        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(report.path("clean").asBoolean()).isFalse();
        assertThat(report.path("findings")).hasSize(2);
        assertThat(report.path("findings").get(0).path("kind").asString()).isEqualTo("PAID_NOT_RECORDED");
        assertThat(report.path("findings").get(0).path("repairable").asBoolean())
                .isTrue();
        assertThat(alerts()).as("one operator alert per run, not per finding").isEqualTo(alertsBefore + 1);
        assertThat(audited(admin, "reconcile")).isEqualTo(1);
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing fixed silently")
                .isZero();
        assertThat(cli("reconcile")).as("findings: exit 1").isEqualTo(1);

        long findingId = findingFor(admin, JSON.readTree(first).path("id").asString());
        var noReason = AdminSupport.call(port, "POST", repairPath(findingId), admin.token(), "{}", "k1");
        assertThat(noReason.statusCode()).isEqualTo(400);
        var repaired = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"webhook lost\"}", "k1");
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        var again = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"webhook lost\"}", "k2");
        assertThat(JSON.readTree(again.body()).path("repeated").asBoolean()).isTrue();
        assertThat(ledger.balance(buyer.id()).available())
                .as("a repeat grants nothing")
                .isEqualTo(200);
        assertThat(audited(admin, "reconcile-repair")).isEqualTo(1);

        // the real webhook arrives late, with Stripe's own event id: it grants nothing more
        assertThat(webhook("evt_late_" + UUID.randomUUID(), first).statusCode()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        assertThat(purchases(buyer)).isEqualTo(1);

        long secondId = findingFor(admin, JSON.readTree(second).path("id").asString());
        AdminSupport.call(port, "POST", repairPath(secondId), admin.token(), "{\"reason\":\"webhook lost\"}", null);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200 + 500);

        JsonNode after =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(after.path("findings")).as(after.toString()).isEmpty();
        assertThat(cli("reconcile")).isEqualTo(0);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void theCommandSaysHowItIsUsedAndAStripeApiThatFailsIsReportedNotSkippedSilently() throws Exception {
        assertThat(cli("reconcile", "everything")).isEqualTo(2);
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions"))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"down\"}}")));
        AdminSupport.Admin admin = admins.newAdmin();
        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(report.path("skipped").toString()).contains("stripe");
    }

    @Test
    void anOperatorRunsItFromThePageAndRepairsWithTheButton() throws Exception {
        dev.renderbank.support.Chromium.assumeInstalled();
        String adminEmail = "ops-page-" + UUID.randomUUID() + "@test.local";
        users.create(adminEmail, "correct horse battery staple", Role.ADMIN, true);
        UserAccount buyer =
                users.create("buyer-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String paid = session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        stubSessions(paid);
        java.nio.file.Path shots = java.nio.file.Files.createDirectories(java.nio.file.Path.of("docs/screenshots"));
        try (var playwright = dev.renderbank.support.Chromium.playwright();
                var browser = dev.renderbank.support.Chromium.launch(playwright);
                var context = browser.newContext(
                        new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1200, 900))) {
            var page = context.newPage();
            page.navigate("http://localhost:" + port + "/admin/reconciliation");
            page.fill("#username", adminEmail);
            page.fill("#password", "correct horse battery staple");
            page.click("button[type=submit]");
            page.navigate("http://localhost:" + port + "/admin/reconciliation");
            page.click("text=Run now");
            assertThat(page.locator("#findings").textContent()).contains("PAID_NOT_RECORDED");
            page.locator("#findings input[name=reason]").first().fill("webhook never arrived");
            page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-reconciliation.png"))
                    .setFullPage(true));
            page.locator("#findings button").first().click();
            assertThat(page.locator("#flash").textContent()).contains("repaired");
            assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
            page.navigate("http://localhost:" + port + "/admin");
            assertThat(page.locator("#reconciliation-latest").textContent()).contains("1 finding(s)");
            assertThat(page.locator("details").count())
                    .as("only the summary card, not the findings")
                    .isZero();
            page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-reconciliation-dashboard.png"))
                    .setFullPage(true));
        }
    }

    private int cli(String... args) {
        return commands.execute(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private JsonNode latest(AdminSupport.Admin admin) {
        return JSON.readTree(
                AdminSupport.call(port, "GET", "/api/v1/admin/reconciliations/latest", admin.token(), null, null)
                        .body());
    }

    private long findingFor(AdminSupport.Admin admin, String sessionId) {
        for (JsonNode f : latestWithFindings(admin)) {
            if (f.path("subject").asString().endsWith(sessionId)) {
                return f.path("id").asLong();
            }
        }
        throw new AssertionError("no finding for " + sessionId);
    }

    private JsonNode latestWithFindings(AdminSupport.Admin admin) {
        return JSON.readTree(jdbc.sql("""
                        select coalesce(json_agg(json_build_object('id', id, 'subject', subject)), '[]')::text
                          from reconciliation_finding where kind = 'PAID_NOT_RECORDED'""").query(String.class).single());
    }

    private static String repairPath(long findingId) {
        return "/api/v1/admin/reconciliations/findings/" + findingId + "/repair";
    }

    private long alerts() {
        return jdbc.sql("select count(*) from operator_alert where kind = 'reconciliation.findings'")
                .query(Long.class)
                .single();
    }

    private long audited(AdminSupport.Admin admin, String action) {
        return jdbc.sql("select count(*) from operator_action where actor = :a and action = :action")
                .param("a", admin.email())
                .param("action", action)
                .query(Long.class)
                .single();
    }

    private long purchases(UserAccount u) {
        return jdbc.sql("select count(*) from billing_purchase where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    /** A one-time Checkout Session as Stripe's API returns it, paid. */
    private String session(String id, long userId, String product, long amount) {
        return """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":%d,"currency":"usd","client_reference_id":"%d","created":%d,
                 "customer_details":{"email":"buyer@example.com"},"payment_intent":"pi_%s",
                 "metadata":{"userId":"%d","product":"%s"}}""".formatted(id, amount, userId, clock.instant().getEpochSecond(), id, userId, product);
    }

    private static void stubSessions(String... sessions) {
        STRIPE.resetAll();
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions"))
                .willReturn(json("{\"object\":\"list\",\"url\":\"/v1/checkout/sessions\",\"has_more\":false,\"data\":["
                        + String.join(",", sessions) + "]}")));
        for (String s : sessions) {
            String id = JSON.readTree(s).path("id").asString();
            STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions/" + id)).willReturn(json(s)));
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    private HttpResponse<String> webhook(String eventId, String session) throws Exception {
        String event =
                "{\"id\":\"%s\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"created\":%d,\"data\":{\"object\":%s}}"
                        .formatted(eventId, clock.instant().getEpochSecond(), session);
        String header = Webhook.Signature.generateSignatureHeader(
                event, WEBHOOK_SECRET, clock.instant().getEpochSecond());
        return AdminSupport.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/stripe"))
                        .header("Content-Type", "application/json")
                        .header("Stripe-Signature", header)
                        .POST(HttpRequest.BodyPublishers.ofString(event))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
