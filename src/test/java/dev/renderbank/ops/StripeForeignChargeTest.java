package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.OpenedCheckouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Stripe account may be shared with another application: refunds and disputes of its charges
 * (whose payment intent Stripe ties to no checkout session or subscription renderbank opened) are
 * stored IGNORED, move nothing and are no finding; a refund or dispute of a charge of a checkout
 * renderbank opened that arrives before the purchase's own webhook waits (FAILED, retried) and takes
 * effect once the purchase is recorded. Signed webhooks; Stripe's API is a local fake.
 */
class StripeForeignChargeTest extends ReconcileIntegrationTest {

    /** A charge at Stripe: its ids, and its JSON with {@code refunded} of 990 refunded. */
    private record Charge(String id, String paymentIntent) {

        static Charge fresh() {
            String n = UUID.randomUUID().toString().replace("-", "");
            return new Charge("ch_" + n, "pi_" + n);
        }

        String body(long refunded) {
            return """
                    {"id":"%s","object":"charge","amount":990,"amount_refunded":%d,"refunded":%b,"currency":"usd",
                     "payment_intent":"%s","metadata":{}}""".formatted(id, refunded, refunded == 990, paymentIntent);
        }

        String refund(String refundId, String status) {
            return """
                    {"id":"%s","object":"refund","amount":990,"currency":"usd","status":"%s","charge":"%s",
                     "payment_intent":"%s"}""".formatted(refundId, status, id, paymentIntent);
        }

        String dispute(String disputeId, String status, long amount) {
            return """
                    {"id":"%s","object":"dispute","amount":%d,"currency":"usd","status":"%s","charge":"%s",
                     "payment_intent":"%s"}""".formatted(disputeId, amount, status, id, paymentIntent);
        }

        /** Stripe's API reports this charge with {@code refunded} refunded. */
        void atStripe(long refunded) {
            STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + id)).willReturn(json(body(refunded))));
        }
    }

    /** The Checkout Session Stripe reports for {@code paymentIntent} (none: empty list). */
    private static void sessionOfPaymentIntent(String paymentIntent, String... sessions) {
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions"))
                .withQueryParam("payment_intent", equalTo(paymentIntent))
                .willReturn(json(list("/v1/checkout/sessions", sessions))));
    }

    /** The Checkout Session Stripe reports for {@code subscription} (none: empty list). */
    private static void sessionOfSubscription(String subscription, String... sessions) {
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions"))
                .withQueryParam("subscription", equalTo(subscription))
                .willReturn(json(list("/v1/checkout/sessions", sessions))));
    }

    /** The invoice payments Stripe reports for {@code paymentIntent}, each of an invoice of {@code subscription}. */
    private static void invoiceOfPaymentIntent(String paymentIntent, String subscription) {
        String payment =
                subscription == null ? "" : """
                {"id":"inpay_%s","object":"invoice_payment","status":"paid",
                 "payment":{"type":"payment_intent","payment_intent":"%s"},
                 "invoice":{"id":"in_%s","object":"invoice","status":"paid",
                   "parent":{"type":"subscription_details","subscription_details":{"subscription":"%s"}}}}""".formatted(paymentIntent, paymentIntent, paymentIntent, subscription);
        STRIPE.stubFor(get(urlPathEqualTo("/v1/invoice_payments"))
                .withQueryParam("payment[payment_intent]", equalTo(paymentIntent))
                .willReturn(json(list("/v1/invoice_payments", payment))));
    }

    private static String list(String path, String... objects) {
        return "{\"object\":\"list\",\"url\":\"" + path + "\",\"has_more\":false,\"data\":["
                + String.join(
                        ",", List.of(objects).stream().filter(o -> !o.isEmpty()).toList()) + "]}";
    }

    private String session(String id, String mode, String paymentIntent, String subscription, long userId) {
        return """
                {"id":"%s","object":"checkout.session","mode":"%s","status":"complete","payment_status":"paid",
                 "amount_total":990,"currency":"usd","client_reference_id":"%d","created":%d,
                 "payment_intent":%s,"subscription":%s,"metadata":{"userId":"%d","product":"pack-200"}}""".formatted(
                        id,
                        mode,
                        userId,
                        clock.instant().getEpochSecond(),
                        paymentIntent == null ? "null" : "\"" + paymentIntent + "\"",
                        subscription == null ? "null" : "\"" + subscription + "\"",
                        userId);
    }

    private static String newId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * Refunds and disputes (every event kind) of three charges of another application: a pack it
     * sold through its own Checkout Session, a payment intent it made directly (no session, no
     * invoice), and a renewal of its own subscription. Each is IGNORED with the reason, records no
     * dispute, moves no credits, and reconciliation lists none of them as a finding.
     */
    @Test
    void refundsAndDisputesOfAnotherApplicationsChargesAreIgnoredAndAreNoFinding() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount bystander =
                users.create("by-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        Charge viaSession = Charge.fresh();
        sessionOfPaymentIntent(
                viaSession.paymentIntent(),
                session(newId("cs_test"), "payment", viaSession.paymentIntent(), null, bystander.id()));
        Charge direct = Charge.fresh();
        sessionOfPaymentIntent(direct.paymentIntent());
        invoiceOfPaymentIntent(direct.paymentIntent(), null);
        Charge renewal = Charge.fresh();
        String otherSub = newId("sub");
        sessionOfPaymentIntent(renewal.paymentIntent());
        invoiceOfPaymentIntent(renewal.paymentIntent(), otherSub);
        sessionOfSubscription(otherSub, session(newId("cs_test"), "subscription", null, otherSub, bystander.id()));

        List<String> disputes = new ArrayList<>();
        for (Charge c : List.of(viaSession, direct, renewal)) {
            c.atStripe(990);
            String dp = newId("dp");
            disputes.add(dp);
            assertIgnored("charge.refunded", c.body(990));
            assertIgnored("charge.refund.updated", c.refund(newId("re"), "succeeded"));
            assertIgnored("refund.failed", c.refund(newId("re"), "failed"));
            assertIgnored("charge.dispute.created", c.dispute(dp, "warning_needs_response", 990));
            assertIgnored("charge.dispute.created", c.dispute(dp, "needs_response", 990));
            assertIgnored("charge.dispute.funds_withdrawn", c.dispute(dp, "needs_response", 990));
            assertIgnored("charge.dispute.closed", c.dispute(dp, "lost", 990));
            assertIgnored("charge.dispute.closed", c.dispute(newId("dp"), "won", 990));
        }
        assertThat(jdbc.sql("select count(*) from billing_dispute where dispute_id = any(:ids)")
                        .param("ids", disputes.toArray(String[]::new))
                        .query(Long.class)
                        .single())
                .as("no dispute of another application is recorded")
                .isZero();
        assertThat(ledger.balance(bystander.id()).available()).isZero();

        // Stripe lists these refunds and disputes in the window: none is a finding here
        String listed = """
                {"id":"%s","object":"refund","amount":990,"currency":"usd","status":"succeeded","created":%d,
                 "charge":%s}""".formatted(newId("re"), clock.instant().getEpochSecond(), viaSession.body(990));
        String listedDispute = viaSession
                .dispute(disputes.get(0), "lost", 990)
                .replace("\"object\"", "\"created\":" + clock.instant().getEpochSecond() + ",\"object\"");
        stubStripe(List.of(), List.of(), List.of(listed), List.of(listedDispute));
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A refund and a dispute of a pack renderbank opened, delivered before the session's webhook
     * (Stripe does not order webhooks): Stripe ties their payment intent to that session, so they
     * are kept and retried (FAILED, not IGNORED), and take their share once the purchase is recorded.
     * So does a dispute of the first charge of a plan renderbank opened, told by its subscription.
     */
    @Test
    void aRefundAndADisputeDeliveredBeforeTheirPurchaseOfACheckoutRenderbankOpenedWaitAndThenTakeEffect()
            throws Exception {
        UserAccount buyer =
                users.create("early-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        Charge c = Charge.fresh();
        String sessionId = OpenedCheckouts.stripe(jdbc, buyer.id(), "pack-200", newId("cs_test"), clock.instant());
        String session = session(sessionId, "payment", c.paymentIntent(), null, buyer.id());
        sessionOfPaymentIntent(c.paymentIntent(), session);
        c.atStripe(495);

        String refund = newId("evt");
        assertThat(stripeWebhook(refund, "charge.refunded", c.body(495)).statusCode())
                .isEqualTo(200);
        String dp = newId("dp");
        String dispute = newId("evt");
        assertThat(stripeWebhook(dispute, "charge.dispute.created", c.dispute(dp, "needs_response", 495))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventState(refund)).startsWith("FAILED").contains("names no known purchase");
        assertThat(eventState(dispute)).startsWith("FAILED").contains("names no known purchase");

        // a plan's first charge disputed before its session's webhook: tied to it by its subscription
        UserAccount subscriber =
                users.create("early-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        Charge first = Charge.fresh();
        String sub = newId("sub");
        String planSession =
                OpenedCheckouts.stripe(jdbc, subscriber.id(), "pro-monthly", newId("cs_test"), clock.instant());
        sessionOfPaymentIntent(first.paymentIntent());
        invoiceOfPaymentIntent(first.paymentIntent(), sub);
        sessionOfSubscription(sub, session(planSession, "subscription", null, sub, subscriber.id()));
        String planDispute = newId("evt");
        assertThat(stripeWebhook(
                                planDispute,
                                "charge.dispute.created",
                                first.dispute(newId("dp"), "needs_response", 1990))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventState(planDispute)).startsWith("FAILED").contains("names no known purchase");

        assertThat(stripeWebhook(newId("evt"), "checkout.session.completed", session)
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        awaitRetried(refund, dispute);
        assertThat(ledger.balance(buyer.id()).available())
                .as("half refunded and half disputed: all of it taken back")
                .isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The purchase's webhook and a refund and a dispute of its charge delivered at the same moment,
     * twice each: whichever order they are processed in, the refund and the dispute take their
     * share once, after the purchase's grant.
     */
    @Test
    void aPurchaseAndItsRefundAndDisputeDeliveredConcurrentlyEndWithBothSharesTakenOnce() throws Exception {
        for (int round = 0; round < 2; round++) {
            UserAccount buyer =
                    users.create("race-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
            Charge c = Charge.fresh();
            String sessionId = OpenedCheckouts.stripe(jdbc, buyer.id(), "pack-200", newId("cs_test"), clock.instant());
            String session = session(sessionId, "payment", c.paymentIntent(), null, buyer.id());
            sessionOfPaymentIntent(c.paymentIntent(), session);
            c.atStripe(495);
            String refund = newId("evt");
            String dispute = newId("evt");
            String dp = newId("dp");
            race(
                    () -> stripeWebhook(newId("evt"), "checkout.session.completed", session)
                            .statusCode(),
                    () -> stripeWebhook(refund, "charge.refunded", c.body(495)).statusCode(),
                    () -> stripeWebhook(dispute, "charge.dispute.created", c.dispute(dp, "needs_response", 495))
                            .statusCode());
            awaitRetried(refund, dispute);
            assertThat(ledger.balance(buyer.id()).available())
                    .as("round " + round)
                    .isZero();
            assertThat(jdbc.sql("select count(*) from ledger_entry where user_id = :u and kind = 'CLAWBACK'")
                            .param("u", buyer.id())
                            .query(Long.class)
                            .single())
                    .as("round " + round + ": one clawback each")
                    .isEqualTo(2);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Stripe is asked whose a refunded charge is with no transaction of the event open: while
     * Stripe takes its time to answer, the event's row is not locked and no connection of the
     * application sits idle in a transaction (one per slow call would drain the pool). The event
     * ends IGNORED as before.
     */
    @Test
    void whileStripeIsAskedWhoseTheChargeIsNoTransactionIsHeldOpen() throws Exception {
        Charge c = Charge.fresh();
        c.atStripe(990);
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions"))
                .withQueryParam("payment_intent", equalTo(c.paymentIntent()))
                .willReturn(json(list("/v1/checkout/sessions")).withFixedDelay(4_000)));
        invoiceOfPaymentIntent(c.paymentIntent(), null);
        String eventId = newId("evt");
        CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> {
            try {
                return stripeWebhook(eventId, "charge.refunded", c.body(990)).statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(3))
                .until(() -> !STRIPE.findAll(getRequestedFor(urlPathEqualTo("/v1/checkout/sessions"))
                                .withQueryParam("payment_intent", equalTo(c.paymentIntent())))
                        .isEmpty());
        // Stripe is answering now (for 4 s): for a second of it, nothing of the event is held
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofMillis(2_500))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    assertThat(jdbc.sql("select id from payment_event where provider = 'stripe'"
                                            + " and event_id = :e for update skip locked")
                                    .param("e", eventId)
                                    .query(Long.class)
                                    .list())
                            .as("the event's row is not locked while Stripe is asked")
                            .hasSize(1);
                    assertThat(jdbc.sql("""
                                    select count(*) from pg_stat_activity
                                     where datname = current_database() and pid <> pg_backend_pid()
                                       and state like 'idle in transaction%'
                                       and state_change < now() - interval '100 milliseconds'""").query(Long.class).single())
                            .as("no connection waits in an open transaction while Stripe is asked")
                            .isZero();
                });
        assertThat(sent.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(eventState(eventId)).startsWith("IGNORED").contains("another application");
    }

    /**
     * A charge with no payment intent (Stripe: charges come from confirming a PaymentIntent, from
     * Account Debits, or from legacy flows that create them directly) was not paid through Checkout,
     * and every purchase of renderbank's is: its refunds and disputes are another application's,
     * IGNORED. Stripe is asked for the charge when the event does not say.
     */
    @Test
    void refundsAndDisputesOfAChargeWithoutAPaymentIntentAreAnotherApplications() throws Exception {
        String chargeId = newId("ch");
        String charge = """
                {"id":"%s","object":"charge","amount":990,"amount_refunded":990,"refunded":true,"currency":"usd",
                 "payment_intent":null,"metadata":{}}""".formatted(chargeId);
        STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + chargeId)).willReturn(json(charge)));
        assertIgnored("charge.refunded", charge);
        assertIgnored("refund.failed", """
                {"id":"%s","object":"refund","amount":990,"currency":"usd","status":"failed","charge":"%s",
                 "payment_intent":null}""".formatted(newId("re"), chargeId));
        String dp = newId("dp");
        assertIgnored("charge.dispute.created", """
                {"id":"%s","object":"dispute","amount":990,"currency":"usd","status":"needs_response",
                 "charge":"%s","payment_intent":null}""".formatted(dp, chargeId));
        assertThat(eventStateOf(chargeIdEvents(chargeId)))
                .allSatisfy(state -> assertThat(state).contains("has no payment intent"));
        assertThat(jdbc.sql("select count(*) from billing_dispute where dispute_id = :d")
                        .param("d", dp)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private List<String> chargeIdEvents(String chargeId) {
        return jdbc.sql("select event_id from payment_event where provider = 'stripe' and payload like :c")
                .param("c", "%" + chargeId + "%")
                .query(String.class)
                .list();
    }

    private List<String> eventStateOf(List<String> eventIds) {
        assertThat(eventIds).hasSize(3);
        return eventIds.stream().map(this::eventState).toList();
    }

    private void assertIgnored(String type, String object) throws Exception {
        String eventId = newId("evt");
        assertThat(stripeWebhook(eventId, type, object).statusCode()).isEqualTo(200);
        assertThat(eventState(eventId))
                .as(type + " " + object)
                .startsWith("IGNORED")
                .contains("another application");
    }

    /** Lets failed events' retries come due until each of {@code eventIds} is processed. */
    private void awaitRetried(String... eventIds) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    clock.advance(Duration.ofSeconds(31));
                    for (String e : eventIds) {
                        assertThat(eventState(e)).startsWith("PROCESSED");
                    }
                });
    }

    private String eventState(String eventId) {
        return jdbc.sql("select status || ' ' || coalesce(last_error, '') from payment_event"
                        + " where provider = 'stripe' and event_id = :e")
                .param("e", eventId)
                .query(String.class)
                .single();
    }

    private interface Send {
        int send() throws Exception;
    }

    /** Each of {@code sends} twice (the second a copy with the same event id), all released together. */
    private static void race(Send... sends) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sends.length * 2);
        CyclicBarrier barrier = new CyclicBarrier(sends.length * 2);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int copy = 0; copy < 2; copy++) {
                for (Send s : sends) {
                    sent.add(pool.submit(() -> {
                        barrier.await();
                        return s.send();
                    }));
                }
            }
            for (Future<Integer> f : sent) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
    }
}
