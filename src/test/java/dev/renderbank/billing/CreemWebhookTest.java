package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.creem.CreemSignature;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.Concurrently;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Creem webhooks over real HTTP, signed with Creem's scheme (hex HMAC-SHA256 of the raw body). */
class CreemWebhookTest extends BillingIntegrationTest {

    @Autowired
    OperatorAlerts alerts;

    @Test
    void aPaidPackIsGrantedOnceHoweverOftenTheEventArrives() throws Exception {
        UserAccount u = newUser();
        String event = creemCheckout(id("evt"), id("ord"), u.id(), "prod_local_pack-200", 990);

        HttpResponse<String> first = creem(event);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(available(u)).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(creem(event).statusCode()).isEqualTo(200);
        }
        assertThat(available(u)).isEqualTo(200);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void tenConcurrentDeliveriesOfOneEventGrantOnce() throws Exception {
        UserAccount u = newUser();
        String eventId = id("evt");
        String event = creemCheckout(eventId, id("ord"), u.id(), "prod_local_pack-500", 2290);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                return creem(event).statusCode();
            }));
        }
        start.countDown();
        for (Future<Integer> a : answers) {
            assertThat(a.get()).isEqualTo(200);
        }
        pool.shutdown();
        assertThat(available(u)).isEqualTo(500);
        assertThat(storedEvents("creem", eventId)).isEqualTo(1);
        assertThat(eventStatus("creem", eventId)).isEqualTo("PROCESSED");
    }

    @Test
    void forgedMissingTruncatedAndNonJsonBodiesAreRefusedAndNothingIsStored() throws Exception {
        UserAccount u = newUser();
        String eventId = id("evt");
        String event = creemCheckout(eventId, id("ord"), u.id(), "prod_local_pack-200", 990);
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        String good = CreemSignature.sign(bytes, CREEM_SECRET);

        HttpResponse<String> forged = postCreem(event, CreemSignature.sign(bytes, "not-the-secret"));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(postCreem(event, null).statusCode()).isEqualTo(401);
        assertThat(postCreem(Arrays.copyOf(bytes, bytes.length - 10), good).statusCode())
                .isEqualTo(401);
        assertThat(postCreem("not json at all", "00ff").statusCode()).isEqualTo(401);
        // correctly signed, but not an event: refused as malformed, not stored either
        byte[] junk = "not json at all".getBytes(StandardCharsets.UTF_8);
        assertThat(postCreem(junk, CreemSignature.sign(junk, CREEM_SECRET)).statusCode())
                .isEqualTo(400);

        assertThat(storedEvents("creem", eventId)).isZero();
        assertThat(available(u)).isZero();
    }

    @Test
    void persistentSignatureFailuresRaiseAnOperatorAlert() throws Exception {
        for (int i = 0; i < 6; i++) {
            postCreem("{\"id\":\"x\"}", "deadbeef");
        }
        assertThat(alerts.recent(50)).anySatisfy(a -> assertThat(a.kind()).isEqualTo("billing.webhook.signature"));
    }

    @Test
    void anUnknownProductIsStoredShownToOperatorsAndRetried() throws Exception {
        UserAccount u = newUser();
        String eventId = id("evt");
        HttpResponse<String> r = creem(creemCheckout(eventId, id("ord"), u.id(), "prod_nobody_sells_this", 990));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(eventStatus("creem", eventId)).isEqualTo("FAILED");
        HttpResponse<String> admin = api("GET", "/api/v1/admin/webhooks?status=failed", ADMIN_TOKEN, null);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains(eventId).contains("unknown product prod_nobody_sells_this");
        assertThat(api("GET", "/api/v1/admin/webhooks?status=failed", DEMO_TOKEN, null)
                        .statusCode())
                .isEqualTo(403);

        clock.advance(Duration.ofSeconds(31)); // first backoff step
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(attempts(eventId)).isGreaterThanOrEqualTo(2));
        assertThat(eventStatus("creem", eventId)).isEqualTo("FAILED");
        assertThat(available(u)).isZero();
    }

    @Test
    void aRefundThatArrivesBeforeItsPurchaseIsAppliedOnRetry() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        String refundEvent = id("evt");
        String refundId = id("ref");
        creem(creemRefund(refundEvent, refundId, order, 990));
        assertThat(eventStatus("creem", refundEvent)).isEqualTo("FAILED");
        assertThat(lastError(refundEvent))
                .as("the operator is told why")
                .contains("refund " + refundId + " names no known purchase");

        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        assertThat(available(u)).isEqualTo(200);

        clock.advance(Duration.ofSeconds(31));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(eventStatus("creem", refundEvent)).isEqualTo("PROCESSED"));
        assertThat(available(u)).isZero();
    }

    @Test
    void anOrderDeliveredAgainUnderAnotherEventIdIsProcessedAndGrantsNothingMore() throws Exception {
        UserAccount u = newUser();
        String order = boughtPack(u);
        String again = id("evt");
        creem(creemCheckout(again, order, u.id(), "prod_local_pack-200", 990)); // the same order, another event

        assertThat(eventStatus("creem", again)).as("done, not retried").isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(200);
    }

    @Test
    void aRefundDeliveredAgainUnderAnotherEventIdIsCountedOnce() throws Exception {
        UserAccount u = newUser();
        String order = boughtPack(u);
        String refundId = id("ref");
        creem(creemRefund(id("evt"), refundId, order, 495)); // half
        assertThat(available(u)).isEqualTo(100);
        String again = id("evt");
        creem(creemRefund(again, refundId, order, 495)); // the same refund, not a second half

        assertThat(eventStatus("creem", again)).as("done, not retried").isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(100);
        assertThat(jdbc.sql("""
                        select p.refunded_minor from billing_purchase p
                          join billing_purchase_ref r on r.purchase_id = p.id
                         where r.provider = 'creem' and r.ref = :order""").param("order", order).query(Long.class).single())
                .isEqualTo(495);
    }

    /** A pack-200 bought at 9.90 under a new order: its order id. */
    private String boughtPack(UserAccount u) throws Exception {
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        return order;
    }

    /**
     * A pack-200 whose checkout's order says {@code amount_paid: 0} (a promotion code paid it in
     * full, as far as the checkout tells): recorded as paid nothing, its 200 credits granted. Its order id.
     */
    private String boughtPackRecordedAsPaidNothing(UserAccount u) throws Exception {
        String order = id("ord");
        String event = """
                {"id":"%s","eventType":"checkout.completed","created_at":1728734325927,
                 "object":{"id":"ch_%s","object":"checkout","request_id":"req_%s",
                   "order":{"id":"%s","customer":"cust_1","product":"prod_local_pack-200","amount":990,"sub_total":990,
                      "amount_paid":0,"currency":"USD","status":"paid","type":"onetime"},
                   "product":{"id":"prod_local_pack-200","price":990,"currency":"USD","billing_type":"onetime"},
                   "customer":{"id":"cust_1","object":"customer","email":"buyer@example.com"},
                   "status":"completed","metadata":{"userId":"%d"}}}""".formatted(id("evt"), order, order, order, u.id());
        creem(event);
        assertThat(available(u)).isEqualTo(200);
        return order;
    }

    private String lastError(String eventId) {
        return jdbc.sql("select last_error from payment_event where provider = 'creem' and event_id = :e")
                .param("e", eventId)
                .query(String.class)
                .single();
    }

    @Test
    void aRefundAfterPartialSpendClawsBackWhatIsLeftAndRecordsTheRestAsDebt() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        spend(u, 150);
        assertThat(available(u)).isEqualTo(50);

        String refund = creemRefund(id("evt"), id("ref"), order, 990);
        assertThat(creem(refund).statusCode()).isEqualTo(200);
        creem(refund);

        var b = ledger.balance(u.id());
        assertThat(b.available()).isZero();
        assertThat(b.debt()).isEqualTo(150);
        // debt blocks generation: nothing can be reserved until it is paid
        assertThat(ledger.reserve(u.id(), 1, id("hold"), Duration.ofMinutes(5)))
                .isInstanceOf(ReserveResult.InsufficientCredits.class);
        // the next purchase pays the debt first
        creem(creemCheckout(id("evt"), id("ord"), u.id(), "prod_local_pack-200", 990));
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(available(u)).isEqualTo(50);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void partialRefundsClawBackProportionallyAndNeverMoreThanTheChargeGranted() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));

        creem(creemRefund(id("evt"), id("ref"), order, 333)); // 200 * 333/990 = 67.27 → 67
        assertThat(available(u)).isEqualTo(200 - 67);
        creem(creemRefund(id("evt"), id("ref"), order, 657)); // now fully refunded
        assertThat(available(u)).isZero();
        creem(creemRefund(id("evt"), id("ref"), order, 990)); // more than paid: nothing more
        String dispute = """
                {"id":"%s","eventType":"dispute.created","created_at":1728734325927,
                 "object":{"id":"%s","object":"dispute","amount":990,"currency":"USD","order":{"id":"%s"}}}""".formatted(id("evt"), id("dp"), order);
        creem(dispute);
        var b = ledger.balance(u.id());
        assertThat(b.balance()).isZero();
        assertThat(b.debt()).isZero();
    }

    @Test
    void aHalfRefundOfATaxedOrderClawsBackHalfTheCredits() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        // As in Creem's own samples: order.amount is before tax, the refund is measured in what was paid.
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));

        creem(taxedRefund(id("evt"), id("ref"), order, 599, 1198, "succeeded")); // half of 1198 (990 + 21 % VAT)

        assertThat(available(u)).isEqualTo(100);
        creem(taxedRefund(id("evt"), id("ref"), order, 599, 1198, "succeeded")); // the other half
        assertThat(available(u)).isZero();
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The order was recorded at its pre-tax amount (its checkout carried no {@code amount_paid}) and
     * two refunds of the taxed transaction refund all of it: each refund alone, measured in the
     * order's amount, rounds down (600 → 495.8, 598 → 494.2), and the whole refund must still take
     * back every credit, not leave one.
     */
    @Test
    void twoPartialTaxedRefundsThatRefundEverythingTakeBackEveryCreditAndNoMore() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));

        creem(taxedRefund(id("evt"), id("ref"), order, 600, 1198, "succeeded")); // 200 * 600/1198 = 100.2
        assertThat(available(u)).isEqualTo(100);
        creem(taxedRefund(id("evt"), id("ref"), order, 598, 1198, "succeeded")); // the rest of 1198
        var b = ledger.balance(u.id());
        assertThat(b.available()).as("a full refund leaves no credit").isZero();
        assertThat(b.debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A checkout whose order says {@code amount_paid: 0} is recorded as paid nothing (a promotion
     * code can pay an order in full), but a succeeded refund of real money of its transaction proves
     * it was paid: the refund is measured against what the transaction paid and takes the credits
     * back, rather than nothing of a purchase recorded as free.
     */
    @Test
    void aRealRefundOfAnOrderRecordedAsPaidNothingTakesItsCreditsBack() throws Exception {
        UserAccount u = newUser();
        String order = boughtPackRecordedAsPaidNothing(u);

        creem(taxedRefund(id("evt"), id("ref"), order, 599, 1198, "succeeded")); // half of what was paid
        assertThat(available(u)).isEqualTo(100);
        creem(taxedRefund(id("evt"), id("ref"), order, 599, 1198, "succeeded")); // the rest
        var b = ledger.balance(u.id());
        assertThat(b.available()).isZero();
        assertThat(b.debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
        assertRaisedFor("billing.refund-of-unpaid-purchase", order);
    }

    /** An operator alert of {@code kind} names the order's purchase. */
    private void assertRaisedFor(String kind, String order) {
        assertThat(alerts.recent(200))
                .as("an operator alert %s about order %s", kind, order)
                .anySatisfy(a -> {
                    assertThat(a.kind()).isEqualTo(kind);
                    assertThat(a.message()).contains("creem:order:" + order);
                });
    }

    /**
     * A partial refund and a chargeback of the rest of the taxed transaction, on an order recorded at
     * its pre-tax amount: together they take back every credit (each rounded down alone left one).
     */
    @Test
    void aPartialRefundAndAChargebackOfTheRestTakeBackEveryCredit() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));

        creem(taxedRefund(id("evt"), id("ref"), order, 600, 1198, "succeeded"));
        assertThat(available(u)).isEqualTo(100);
        creem(taxedDispute(id("evt"), id("disp"), order, 598, 1198)); // the rest of 1198

        var b = ledger.balance(u.id());
        assertThat(b.balance()).isZero();
        assertThat(b.debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Two chargebacks of parts of the taxed transaction that together dispute all of it, on an order
     * recorded at its pre-tax amount: each a step of the charge's running total, they take back every
     * credit (each converted and rounded down alone, 600 → 495.8 and 598 → 494.2, left one).
     */
    @Test
    void twoPartialTaxedDisputesThatDisputeEverythingTakeBackEveryCredit() throws Exception {
        UserAccount u = newUser();
        String order = boughtPack(u);

        creem(taxedDispute(id("evt"), id("disp"), order, 600, 1198));
        assertThat(available(u)).isEqualTo(100);
        creem(taxedDispute(id("evt"), id("disp"), order, 598, 1198)); // the rest of 1198

        var b = ledger.balance(u.id());
        assertThat(b.balance()).as("a charge disputed in full leaves no credit").isZero();
        assertThat(b.debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** A chargeback of part of the taxed transaction and a refund of the rest: every credit, no more. */
    @Test
    void aPartialTaxedDisputeAndARefundOfTheRestTakeBackEveryCredit() throws Exception {
        UserAccount u = newUser();
        String order = boughtPack(u);

        creem(taxedDispute(id("evt"), id("disp"), order, 600, 1198));
        assertThat(available(u)).isEqualTo(100);
        creem(taxedRefund(id("evt"), id("ref"), order, 598, 1198, "succeeded")); // the rest of 1198

        var b = ledger.balance(u.id());
        assertThat(b.balance())
                .as("a charge taken back in full leaves no credit")
                .isZero();
        assertThat(b.debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** As a refund does, a chargeback of an order recorded as paid nothing proves it was paid. */
    @Test
    void aDisputeOfAnOrderRecordedAsPaidNothingTakesItsCreditsBack() throws Exception {
        UserAccount u = newUser();
        String order = boughtPackRecordedAsPaidNothing(u);

        String dispute = """
                {"id":"%s","eventType":"dispute.created","created_at":1750941264812,
                 "object":{"id":"%s","object":"dispute","amount":1198,"currency":"USD",
                   "transaction":{"id":"tran_%s","object":"transaction","amount":990,"amount_paid":1198,"order":"%s"},
                   "order":{"id":"%s","amount":990,"amount_paid":0,"currency":"USD"}}}""".formatted(id("evt"), id("disp"), order, order, order);
        creem(dispute);

        var b = ledger.balance(u.id());
        assertThat(b.balance()).isZero();
        assertThat(b.debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
        assertRaisedFor("billing.dispute-of-unpaid-purchase", order);
    }

    @Test
    void aTaxedOrderIsRecordedAtWhatWasPaidAndAFullTaxedDisputeTakesItAll() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        String event = """
                {"id":"%s","eventType":"checkout.completed","created_at":1728734325927,
                 "object":{"id":"ch_%s","object":"checkout","request_id":"req_%s",
                   "order":{"id":"%s","customer":"cust_1","product":"prod_local_pack-200","amount":990,"sub_total":990,
                      "tax_amount":208,"amount_due":1198,"amount_paid":1198,"currency":"USD","status":"paid","type":"onetime"},
                   "product":{"id":"prod_local_pack-200","price":990,"currency":"USD","billing_type":"onetime"},
                   "customer":{"id":"cust_1","object":"customer","email":"buyer@example.com"},
                   "status":"completed","metadata":{"userId":"%d"}}}""".formatted(id("evt"), order, order, order, u.id());
        creem(event);
        assertThat(available(u)).isEqualTo(200);

        creem(taxedRefund(id("evt"), id("ref"), order, 300, 1198, "succeeded")); // 200 * 300/1198 = 50.08 → 50
        assertThat(available(u)).isEqualTo(150);
        String dispute = """
                {"id":"%s","eventType":"dispute.created","created_at":1750941264812,
                 "object":{"id":"%s","object":"dispute","amount":898,"currency":"USD",
                   "transaction":{"id":"tran_%s","object":"transaction","amount":990,"amount_paid":1198,"order":"%s"},
                   "order":{"id":"%s","amount":990,"amount_paid":1198,"currency":"USD"}}}""".formatted(id("evt"), id("disp"), order, order, order);
        creem(dispute); // the rest of what was paid: everything is gone, nothing twice

        var b = ledger.balance(u.id());
        assertThat(b.balance()).isZero();
        assertThat(b.debt()).isZero();
    }

    @Test
    void onlyASucceededRefundTakesCreditsBack() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));

        for (String status : new String[] {"pending", "failed", "canceled"}) {
            String event = id("evt");
            creem(taxedRefund(event, id("ref"), order, 1198, 1198, status));
            assertThat(eventStatus("creem", event)).isEqualTo("IGNORED");
        }
        assertThat(available(u)).isEqualTo(200);

        creem(taxedRefund(id("evt"), id("ref"), order, 1198, 1198, "succeeded"));
        assertThat(available(u)).isZero();
    }

    /**
     * Creem documents one refund event, {@code refund.created}, sent when the refund is processed
     * (its sample and its docs: "Refunds are processed immediately"); its status may still say
     * pending, failed or canceled, and nothing documented announces the refund again. Should Creem
     * announce a refund first as pending and then, under another event id, as succeeded, the pending
     * one recorded nothing under the refund's id, so the succeeded one takes its share once, however
     * many copies arrive and at the same moment; a pending one that ends failed takes nothing.
     */
    @Test
    void aPendingRefundAnnouncedAgainAsSucceededTakesItsShareOnceAndAFailedOneNothing() throws Exception {
        UserAccount u = newUser();
        String order = boughtPack(u);
        String refundId = id("ref");
        String pending = id("evt");
        creem(taxedRefund(pending, refundId, order, 599, 1198, "pending"));
        assertThat(eventStatus("creem", pending)).isEqualTo("IGNORED");
        assertThat(available(u)).isEqualTo(200);

        String succeeded = taxedRefund(id("evt"), refundId, order, 599, 1198, "succeeded");
        String copy = taxedRefund(id("evt"), refundId, order, 599, 1198, "succeeded");
        List<Integer> codes = Concurrently.run(
                () -> creem(succeeded).statusCode(),
                () -> creem(succeeded).statusCode(),
                () -> creem(copy).statusCode());
        assertThat(codes).containsOnly(200);
        assertThat(available(u))
                .as("half of what was paid: half of the 200 credits, once")
                .isEqualTo(100);
        creem(succeeded);

        String other = id("ref");
        creem(taxedRefund(id("evt"), other, order, 599, 1198, "pending"));
        creem(taxedRefund(id("evt"), other, order, 599, 1198, "failed"));
        assertThat(available(u)).as("a refund that failed takes nothing").isEqualTo(100);
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(jdbc.sql("select count(*) from ledger_entry where user_id = ? and kind = 'CLAWBACK'")
                        .param(u.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** A refund of a pack order whose transaction paid {@code paid} (tax included); order.amount is 990. */
    static String taxedRefund(String eventId, String refundId, String order, long amount, long paid, String status) {
        return """
                {"id":"%s","eventType":"refund.created","created_at":1728734351631,
                 "object":{"id":"%s","object":"refund","status":"%s","refund_amount":%d,"refund_currency":"USD",
                   "reason":"requested_by_customer",
                   "transaction":{"id":"tran_%s","object":"transaction","amount":990,"amount_paid":%d,
                      "tax_amount":%d,"currency":"USD","order":"%s"},
                   "order":{"id":"%s","amount":990,"currency":"USD","status":"paid"}}}""".formatted(eventId, refundId, status, amount, order, paid, paid - 990, order, order);
    }

    /** A chargeback of {@code amount} of a pack order whose transaction paid {@code paid}; order.amount is 990. */
    static String taxedDispute(String eventId, String disputeId, String order, long amount, long paid) {
        return """
                {"id":"%s","eventType":"dispute.created","created_at":1750941264812,
                 "object":{"id":"%s","object":"dispute","amount":%d,"currency":"USD",
                   "transaction":{"id":"tran_%s","object":"transaction","amount":990,"amount_paid":%d,"order":"%s"},
                   "order":{"id":"%s","amount":990,"currency":"USD"}}}""".formatted(eventId, disputeId, amount, order, paid, order, order);
    }

    private void spend(UserAccount u, long amount) {
        String key = id("job");
        assertThat(ledger.reserve(u.id(), amount, key, Duration.ofMinutes(10)))
                .isInstanceOf(ReserveResult.Reserved.class);
        ledger.capture(key);
    }

    private int attempts(String eventId) {
        return jdbc.sql("select attempts from payment_event where provider = 'creem' and event_id = :e")
                .param("e", eventId)
                .query(Integer.class)
                .single();
    }
}
