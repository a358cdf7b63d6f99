package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.billing.creem.CreemSignature;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.OpenedCheckouts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One context for the reconciliation tests against the payment providers' APIs: local fakes of
 * Stripe's and Creem's APIs, both API keys and webhook secrets set, no scheduled run. Its own
 * database, so a system it starts from is clean and "clean" can be asserted; each test leaves it
 * clean (every planted difference repaired or recorded), and each starts with fakes that know nothing.
 */
@TestPropertySource(
        properties = {
            "STRIPE_API_KEY=sk_test_reconcile",
            "STRIPE_WEBHOOK_SECRET=" + ReconcileIntegrationTest.WEBHOOK_SECRET,
            "CREEM_API_KEY=creem_test_reconcile",
            "CREEM_WEBHOOK_SECRET=" + ReconcileIntegrationTest.CREEM_SECRET,
            "renderbank.ops.reconcile.scheduled=false",
            // stored webhooks' retries come due by the test clock; the sweep that finds them runs often,
            // so a test that waits for a retry (or for 7 of them) waits seconds, not the default 15 s per sweep
            "renderbank.payments.sweep-interval=500ms",
            "renderbank.payments.creem.reconcile-max-calls=" + ReconcileIntegrationTest.CREEM_CALL_CAP
        })
@Import({HandlerPause.class, CallPause.class})
abstract class ReconcileIntegrationTest extends IntegrationTest {

    static final String WEBHOOK_SECRET = "whsec_reconcile_test_5d1e";
    static final String CREEM_SECRET = "creem-reconcile-test-secret-31c9";
    static final WireMockServer STRIPE = new WireMockServer(options().dynamicPort());
    static final WireMockServer CREEM = new WireMockServer(options().dynamicPort());
    static final JsonMapper JSON = JsonMapper.shared();
    /** Creem API calls one run may make here (small, so a test can reach it). */
    static final int CREEM_CALL_CAP = 8;

    // Shared by every class of the cached context: stopped when the JVM ends, not after one class.
    static {
        STRIPE.start();
        CREEM.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            STRIPE.stop();
            CREEM.stop();
        }));
    }

    @DynamicPropertySource
    static void providerApis(DynamicPropertyRegistry registry) {
        registry.add("renderbank.payments.stripe.api-base", STRIPE::baseUrl);
        registry.add("renderbank.payments.creem.base-url", CREEM::baseUrl);
    }

    /**
     * Each test starts from providers that know nothing it did not plant: Creem knows no checkout
     * until a test stubs it (open checkouts of earlier tests are answered 404), and Stripe lists no
     * session, invoice, refund or dispute. The fakes are shared by every test of the JVM, so without
     * this a Stripe object planted by an earlier test is listed again; while its purchase is still
     * recorded that is harmless, but under the {@code pit} profile {@code MoneyTablesReset} empties the
     * purchases before each test, and the leftover paid session became a finding of whichever
     * reconciliation test came next ("a clean system" and "no findings" failed, whatever the mutant).
     */
    @BeforeEach
    void providersKnowNothing() {
        CREEM.resetAll();
        stubStripe(List.of(), List.of(), List.of(), List.of());
    }

    /** Stripe's lists of the window (sessions, paid invoices, refunds, disputes) and each object by id. */
    static void stubStripe(List<String> sessions, List<String> invoices, List<String> refunds, List<String> disputes) {
        STRIPE.resetAll();
        stubList("/v1/checkout/sessions", sessions);
        stubList("/v1/invoices", invoices);
        stubList("/v1/refunds", refunds);
        stubList("/v1/disputes", disputes);
    }

    private static void stubList(String path, List<String> objects) {
        STRIPE.stubFor(get(urlPathEqualTo(path))
                .willReturn(json("{\"object\":\"list\",\"url\":\"" + path + "\",\"has_more\":false,\"data\":["
                        + String.join(",", objects) + "]}")));
        for (String o : objects) {
            String id = JSON.readTree(o).path("id").asString();
            STRIPE.stubFor(get(urlPathEqualTo(path + "/" + id)).willReturn(json(o)));
        }
    }

    /** This test's run of its keys: a test that runs again (PIT runs each test once per mutant) uses new ones. */
    private final String keyRun = UUID.randomUUID().toString();

    /** An Idempotency-Key named {@code name} in this test and no other (operators' keys are global). */
    String key(String name) {
        return name + "-" + keyRun;
    }

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
    OperatorAlerts alerts;

    @Autowired
    AdminSupport admins;

    int cli(String... args) {
        return commands.execute(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Runs a reconciliation over the API and answers its findings. */
    JsonNode findings(AdminSupport.Admin admin) {
        return JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body())
                .path("findings");
    }

    JsonNode onlyFinding(AdminSupport.Admin admin) {
        JsonNode findings = findings(admin);
        assertThat(findings).as(findings.toString()).hasSize(1);
        return findings.get(0);
    }

    static String repairPath(long findingId) {
        return "/api/v1/admin/reconciliations/findings/" + findingId + "/repair";
    }

    /** The one-click repair of {@code finding} with {@code reason}, asserted to answer 200. */
    void repaired(AdminSupport.Admin admin, JsonNode finding, String reason) throws Exception {
        var repaired = AdminSupport.call(
                port,
                "POST",
                repairPath(finding.path("id").asLong()),
                admin.token(),
                "{\"reason\":\"" + reason + "\"}",
                null);
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
    }

    long purchases(UserAccount u) {
        return jdbc.sql("select count(*) from billing_purchase where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    /** A Creem webhook, signed with the webhook secret, carrying {@code object} as its {@code eventType}. */
    /** Creem's {@code refund.created} of the whole order {@code ord_<n>} (9.90 USD), as event {@code eventId}. */
    HttpResponse<String> creemRefundOfOrder(String eventId, String n) throws Exception {
        return creemWebhook(eventId, "refund.created", """
                {"id":"ref_%1$s","object":"refund","status":"succeeded","refund_amount":990,
                 "refund_currency":"USD","reason":"requested_by_customer",
                 "transaction":{"id":"tran_%1$s","amount":990,"amount_paid":990,"status":"refunded"},
                 "order":{"id":"ord_%1$s"},"customer":{"id":"cust_%1$s","email":"x@example.com"}}""".formatted(n));
    }

    /** Creem's {@code checkout.completed} of pack-200 as order {@code ord_<n>} for {@code buyer}. */
    HttpResponse<String> creemPackCheckout(String eventId, String n, UserAccount buyer) throws Exception {
        return creemWebhook(eventId, "checkout.completed", """
                {"id":"ch_%1$s","object":"checkout","request_id":null,
                 "order":{"id":"ord_%1$s","amount":990,"currency":"USD","status":"paid"},
                 "product":{"id":"prod_local_pack-200"},"customer":{"email":"%2$s"},
                 "metadata":{"userId":"%3$d","product":"pack-200"}}""".formatted(n, buyer.email(), buyer.id()));
    }

    HttpResponse<String> creemWebhook(String eventId, String eventType, String object) throws Exception {
        String event = OpenedCheckouts.forCreemEvent(
                jdbc,
                "creem",
                "{\"id\":\"%s\",\"eventType\":\"%s\",\"created_at\":%d,\"object\":%s}"
                        .formatted(eventId, eventType, clock.instant().toEpochMilli(), object));
        byte[] body = event.getBytes(StandardCharsets.UTF_8);
        return AdminSupport.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/creem"))
                        .header("Content-Type", "application/json")
                        .header("creem-signature", CreemSignature.sign(body, CREEM_SECRET))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A Stripe webhook, signed with the webhook secret now, carrying {@code object} as its {@code type}. */
    HttpResponse<String> stripeWebhook(String eventId, String type, String object) throws Exception {
        String event = OpenedCheckouts.forStripeEvent(
                jdbc,
                "{\"id\":\"%s\",\"object\":\"event\",\"type\":\"%s\",\"created\":%d,\"data\":{\"object\":%s}}"
                        .formatted(eventId, type, clock.instant().getEpochSecond(), object));
        String header = com.stripe.net.Webhook.Signature.generateSignatureHeader(
                event, WEBHOOK_SECRET, clock.instant().getEpochSecond());
        return AdminSupport.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/stripe"))
                        .header("Content-Type", "application/json")
                        .header("Stripe-Signature", header)
                        .POST(HttpRequest.BodyPublishers.ofString(event))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    /** A stored payment webhook as an operator sees it on /admin/payments. */
    record StoredEvent(long id, String status, int attempts, boolean parked, String lastError) {}

    StoredEvent stored(String provider, String eventId) {
        return jdbc.sql("select id, status, attempts, next_attempt_at is null as parked, last_error"
                        + " from payment_event where provider = :p and event_id = :e")
                .param("p", provider)
                .param("e", eventId)
                .query((rs, i) -> new StoredEvent(
                        rs.getLong("id"),
                        rs.getString("status"),
                        rs.getInt("attempts"),
                        rs.getBoolean("parked"),
                        rs.getString("last_error")))
                .single();
    }

    /**
     * Moves the clock past the longest backoff step at every poll until the event has had its
     * {@link PaymentEventStore#BOUNDED_ATTEMPTS} attempts, then through two sweeps more with every step
     * due, in which it must not be attempted again; asserts it is kept FAILED with no next attempt.
     */
    StoredEvent awaitParked(String provider, String eventId) {
        Duration pastEveryStep = Duration.ofHours(6).plusMinutes(1);
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    clock.advance(pastEveryStep);
                    return stored(provider, eventId).attempts() >= PaymentEventStore.BOUNDED_ATTEMPTS;
                });
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    clock.advance(pastEveryStep);
                    return stored(provider, eventId).attempts() == PaymentEventStore.BOUNDED_ATTEMPTS;
                });
        StoredEvent e = stored(provider, eventId);
        assertThat(e.status()).isEqualTo("FAILED");
        assertThat(e.parked()).as("no further automatic attempt is scheduled").isTrue();
        return e;
    }

    /** The {@code billing.webhook.parked} alerts raised for the stored event {@code id}. */
    List<OperatorAlerts.Alert> parkedAlerts(long id) {
        return alerts.recent(1000).stream()
                .filter(a -> a.kind().equals("billing.webhook.parked")
                        && a.message().startsWith("Payment webhook " + id + " "))
                .toList();
    }
}
