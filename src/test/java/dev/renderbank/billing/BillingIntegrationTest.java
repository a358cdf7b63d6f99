package dev.renderbank.billing;

import com.stripe.net.Webhook;
import dev.renderbank.billing.creem.CreemSignature;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.OpenedCheckouts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * One shared context for the webhook, refund, subscription, reward and simulated-checkout tests:
 * simulated payments, both webhook secrets set by the test (never by main code), a fast sweep.
 */
@TestPropertySource(
        properties = {
            "CREEM_WEBHOOK_SECRET=" + BillingIntegrationTest.CREEM_SECRET,
            "STRIPE_WEBHOOK_SECRET=" + BillingIntegrationTest.STRIPE_SECRET,
            "renderbank.payments.sweep-interval=300ms"
        })
abstract class BillingIntegrationTest extends IntegrationTest {

    static final String CREEM_SECRET = "test-creem-webhook-secret-5f1c2a";
    static final String STRIPE_SECRET = "whsec_test_stripe_secret_9b7e41";

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    dev.renderbank.billing.db.CheckoutStore checkoutStore;

    @Autowired
    ProductCatalog productCatalog;

    final HttpClient http = HttpClient.newHttpClient();

    UserAccount newUser() {
        return newUser(true);
    }

    UserAccount newUser(boolean verified) {
        return users.create("u" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.USER, verified);
    }

    /** A Stripe yearly plan (pro-yearly, 199.00, 500 credits a month): its user and Stripe ids. */
    record YearlyPlan(
            UserAccount user,
            String subscription,
            String invoice,
            String paymentIntent,
            String charge,
            Instant start,
            Instant end) {}

    /**
     * A new user's yearly plan bought at Stripe now (its first invoice: the first month is granted);
     * {@code paid} also sends the invoice's payment, which names its charge (for refunds and disputes).
     */
    YearlyPlan yearlyPlan(boolean paid) throws Exception {
        UserAccount u = newUser();
        Instant start = clock.instant();
        Instant end = start.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        YearlyPlan plan = new YearlyPlan(u, id("sub"), id("in"), id("pi"), id("ch"), start, end);
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                plan.invoice(),
                plan.subscription(),
                "price_local_pro-yearly",
                19900,
                start,
                end,
                "subscription_create"));
        if (paid) {
            stripe(StripeWebhookTest.invoicePayment(id("evt"), plan.invoice(), plan.paymentIntent(), plan.charge()));
        }
        return plan;
    }

    long available(UserAccount u) {
        return ledger.balance(u.id()).available();
    }

    HttpResponse<String> postCreem(String body, String signature) throws Exception {
        return postCreem(body.getBytes(StandardCharsets.UTF_8), signature);
    }

    HttpResponse<String> postCreem(byte[] body, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/api/webhooks/creem"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("creem-signature", signature);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signed and sent, after the checkout it belongs to is opened ({@link OpenedCheckouts#forCreemEvent}). */
    HttpResponse<String> creem(String event) throws Exception {
        String body = OpenedCheckouts.forCreemEvent(jdbc, "creem", event);
        return postCreem(body, CreemSignature.sign(body.getBytes(StandardCharsets.UTF_8), CREEM_SECRET));
    }

    /**
     * Signed with stripe-java's own helper, at the (settable) clock's time, after the checkout a
     * subscription's event belongs to is opened ({@link OpenedCheckouts#forStripeEvent}).
     */
    HttpResponse<String> stripe(String body) throws Exception {
        return stripeAsSent(OpenedCheckouts.forStripeEvent(jdbc, body));
    }

    /** Signed and sent as it is: no checkout is opened for it first. */
    HttpResponse<String> stripeAsSent(String body) throws Exception {
        return stripe(body, clock.instant().getEpochSecond(), STRIPE_SECRET);
    }

    HttpResponse<String> stripe(String body, long timestamp, String secret) throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(body, secret, timestamp);
        return http.send(
                HttpRequest.newBuilder(uri("/api/webhooks/stripe"))
                        .header("Content-Type", "application/json")
                        .header("Stripe-Signature", header)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String token(UserAccount u) {
        return users.issueToken(u.id(), "test");
    }

    /**
     * The Stripe Checkout Session {@code sessionId} as renderbank records it when it opens one for
     * {@code userId} and {@code product} (only such sessions grant anything); returns the session id.
     */
    String opened(long userId, String product, String sessionId) {
        openCheckout(userId, product, sessionId);
        return sessionId;
    }

    /**
     * A Stripe checkout renderbank opened for {@code userId} as Checkout Session {@code sessionId}: its
     * id, which the metadata of the subscription it opens names ({@code checkoutId}).
     */
    String openCheckout(long userId, String product, String sessionId) {
        String checkoutId = "chk_" + UUID.randomUUID().toString().replace("-", "");
        checkoutStore.insertPending(
                checkoutId, userId, productCatalog.product(product).orElseThrow(), "stripe", null, clock.instant());
        checkoutStore.open(checkoutId, "https://checkout.stripe.com/c/pay/" + sessionId, sessionId);
        return checkoutId;
    }

    long storedEvents(String provider, String eventId) {
        return jdbc.sql("select count(*) from payment_event where provider = :p and event_id = :e")
                .param("p", provider)
                .param("e", eventId)
                .query(Long.class)
                .single();
    }

    String eventStatus(String provider, String eventId) {
        return jdbc.sql("select status from payment_event where provider = :p and event_id = :e")
                .param("p", provider)
                .param("e", eventId)
                .query(String.class)
                .single();
    }

    /** Whether the purchase a provider ref (charge, order, invoice …) names has a dispute open. */
    boolean disputed(String provider, String ref) {
        return jdbc.sql("""
                        select p.disputed from billing_purchase p
                          join billing_purchase_ref r on r.purchase_id = p.id
                         where r.provider = :p and r.ref = :ref""")
                .param("p", provider)
                .param("ref", ref)
                .query(Boolean.class)
                .single();
    }

    String disputeStatus(String provider, String disputeId) {
        return jdbc.sql("select status from billing_dispute where provider = :p and dispute_id = :d")
                .param("p", provider)
                .param("d", disputeId)
                .query(String.class)
                .single();
    }

    /**
     * Waits until each of billing's recurring sweeps (webhook retries, yearly plans' months; every
     * 300 ms here) has run once from start to end after this call, so what the test committed before
     * is what that run saw. Read from db-scheduler's own row: picking an execution and rescheduling
     * it each add one to its {@code version}, so from an idle row a whole new run is two more, and
     * from a running one (which may have started before the call) three more. A fixed wait would
     * let a check that nothing happened pass on a machine too slow to run the sweep meanwhile.
     */
    void awaitSweep() {
        Map<String, Long> target = new HashMap<>();
        for (String task : SWEEPS) {
            SweepRow now = sweepRow(task);
            target.put(task, now.version() + (now.picked() ? 3 : 2));
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> SWEEPS.stream().allMatch(task -> {
                    SweepRow row = sweepRow(task);
                    return !row.picked() && row.version() >= target.get(task);
                }));
    }

    private static final List<String> SWEEPS = List.of("billing-webhook-retry", "billing-monthly-grants");

    private record SweepRow(long version, boolean picked) {}

    private SweepRow sweepRow(String task) {
        return jdbc.sql("select version, picked from scheduled_tasks where task_name = :task")
                .param("task", task)
                .query((rs, n) -> new SweepRow(rs.getLong("version"), rs.getBoolean("picked")))
                .single();
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    static String id(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** A Creem checkout.completed for a one-time pack, as Creem sends it. */
    static String creemCheckout(String eventId, String orderId, long userId, String creemProductId, long amount) {
        return """
                {"id":"%s","eventType":"checkout.completed","created_at":1728734325927,
                 "object":{"id":"ch_%s","object":"checkout","request_id":"req_%s",
                   "order":{"id":"%s","customer":"cust_1","product":"%s","amount":%d,"currency":"USD","status":"paid","type":"onetime"},
                   "product":{"id":"%s","name":"Pack","price":%d,"currency":"USD","billing_type":"onetime"},
                   "customer":{"id":"cust_1","object":"customer","email":"buyer@example.com"},
                   "status":"completed","metadata":{"userId":"%d"}}}""".formatted(
                        eventId, orderId, orderId, orderId, creemProductId, amount, creemProductId, amount, userId);
    }

    static String creemRefund(String eventId, String refundId, String orderId, long refundAmount) {
        return """
                {"id":"%s","eventType":"refund.created","created_at":1728734325927,
                 "object":{"id":"%s","object":"refund","status":"succeeded","refund_amount":%d,"refund_currency":"USD",
                   "reason":"requested_by_customer","transaction":{"id":"tran_%s","amount":990,"order":"%s"},
                   "order":{"id":"%s","amount":990,"currency":"USD"}}}""".formatted(eventId, refundId, refundAmount, orderId, orderId, orderId);
    }
}
