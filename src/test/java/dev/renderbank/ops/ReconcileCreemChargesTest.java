package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Creem refunds and charge-backs of the window's purchases whose webhooks never arrived: found by
 * reading each purchase's transaction from Creem's API (a local fake), shown with their evidence, not
 * repairable (Creem's API names no refund or dispute id, which their webhooks are recorded under), and
 * gone once the webhook, resent from Creem's dashboard, is processed.
 */
class ReconcileCreemChargesTest extends ReconcileIntegrationTest {

    @Test
    void aCreemRefundThePurchaseDoesNotReflectIsFoundNotRepairableAndTheResentWebhookClearsIt() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        String order = id("ord");
        String transaction = id("tran");
        JsonNode finding = lostRefundFound(admin, buyer, order, transaction, 990);
        var repair = AdminSupport.call(
                port,
                "POST",
                repairPath(finding.path("id").asLong()),
                admin.token(),
                "{\"reason\":\"lost\"}",
                key("x1"));
        assertThat(repair.statusCode()).as(repair.body()).isEqualTo(422);
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing fixed silently")
                .isEqualTo(200);

        resentWebhookTakesTheCreditsBackAndTheRunIsClean(admin, buyer, "refund.created", refund(transaction, order));
    }

    /**
     * A checkout whose order said {@code amount_paid: 0} is recorded as paid nothing, but its
     * transaction was paid and refunded at Creem: the lost refund webhook is found like any other
     * (measured against what the transaction paid, not rounded to nothing of a purchase recorded at 0).
     */
    @Test
    void aCreemRefundOfAPurchaseRecordedAsPaidNothingIsFoundAndTheResentWebhookClearsIt() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        String order = id("ord");
        String transaction = id("tran");
        lostRefundFound(admin, buyer, order, transaction, 0);

        resentWebhookTakesTheCreditsBackAndTheRunIsClean(admin, buyer, "refund.created", refund(transaction, order));
    }

    @Test
    void aCreemChargeBackWithNoDisputeRecordedIsFoundNotRepairableAndTheResentWebhookClearsIt() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        String order = id("ord");
        String transaction = id("tran");
        packBought(buyer, order);
        transactionAtCreem(order, transaction, "chargedBack", 0);

        foundNotRepairable(admin, "DISPUTE_NOT_RECORDED", "creem:dispute:chargeback:" + transaction, order);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);

        String dispute = """
                {"id":"%s","object":"dispute","amount":990,"currency":"USD",
                 "transaction":{"id":"%s","object":"transaction","amount":990,"amount_paid":990,"currency":"USD",
                   "status":"chargedBack","order":"%s"},
                 "order":{"id":"%s","amount":990,"currency":"USD","status":"paid"}}""".formatted(id("dis"), transaction, order, order);
        resentWebhookTakesTheCreditsBackAndTheRunIsClean(admin, buyer, "dispute.created", dispute);
    }

    /**
     * All periods of a Creem subscription share its first order, which the first period records: a
     * renewal's transaction refunded at Creem with no webhook is measured against the renewal (the
     * period recording that transaction), not against the first period, whose own refund was recorded.
     */
    @Test
    void aLostRenewalRefundIsFoundOnTheRenewalNotOnTheFirstPeriod() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        String sub = id("sub");
        String order = id("ord");
        String first = "tran_" + UUID.randomUUID().toString().replace("-", "");
        String renewal = "tran_" + UUID.randomUUID().toString().replace("-", "");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(creemWebhook(id("evt"), "subscription.paid", period(sub, buyer, first, order, start, next))
                        .statusCode())
                .isEqualTo(200);
        clock.advance(Duration.between(start, next).plusMinutes(1));
        assertThat(creemWebhook(
                                id("evt"),
                                "subscription.paid",
                                period(
                                        sub,
                                        buyer,
                                        renewal,
                                        order,
                                        next,
                                        next.atZone(ZoneOffset.UTC)
                                                .plusMonths(1)
                                                .toInstant()))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(1000);
        // the first period refunded in full, its webhook recorded
        assertThat(creemWebhook(id("evt"), "refund.created", """
                        {"id":"%s","object":"refund","status":"succeeded","refund_amount":1990,"refund_currency":"USD",
                         "transaction":{"id":"%s","amount":1990,"order":"%s"},
                         "order":{"id":"%s","amount":1990,"currency":"USD"}}""".formatted(id("ref"), first, order, order))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(500);
        // both transactions refunded at Creem; the renewal's refund.created never arrived
        for (String t : List.of(first, renewal)) {
            CREEM.stubFor(get(urlPathEqualTo("/v1/transactions"))
                    .withQueryParam("transaction_id", equalTo(t))
                    .willReturn(json("""
                            {"id":"%s","object":"transaction","amount":1990,"amount_paid":1990,"currency":"USD",
                             "type":"payment","status":"refunded","refunded_amount":1990,"order":"%s"}""".formatted(t, order))));
        }
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("REFUND_NOT_RECORDED");
        assertThat(finding.path("evidence").path("purchaseKey").asString())
                .as("the renewal's period")
                .isEqualTo("creem:period:" + sub + ":" + next.getEpochSecond());
        assertThat(finding.path("evidence").path("refundedHereMinor").asLong()).isZero();
    }

    private static String period(String sub, UserAccount buyer, String txn, String order, Instant start, Instant end) {
        return """
                {"id":"%s","object":"subscription","status":"active",
                 "product":{"id":"prod_local_pro-monthly"},"customer":{"email":"%s"},
                 "last_transaction_id":"%s",
                 "last_transaction":{"id":"%s","order":"%s","amount":1990,"currency":"USD"},
                 "current_period_start_date":"%s","current_period_end_date":"%s",
                 "metadata":{"userId":"%d","product":"pro-monthly"}}""".formatted(sub, buyer.email(), txn, txn, order, start, end, buyer.id());
    }

    /**
     * A pack-200 bought at Creem (its checkout saying the order paid {@code paidAtCheckout}) whose
     * paid transaction the run finds recorded; then Creem refunds all 990 of it and no webhook
     * arrives: the next run's one finding, a refund not recorded that cannot be repaired.
     */
    private JsonNode lostRefundFound(
            AdminSupport.Admin admin, UserAccount buyer, String order, String transaction, long paidAtCheckout)
            throws Exception {
        packBought(buyer, order, paidAtCheckout);
        transactionAtCreem(order, transaction, "paid", 0);
        assertThat(findings(admin))
                .as("a paid transaction the purchase records")
                .isEmpty();

        transactionAtCreem(order, transaction, "refunded", 990);
        JsonNode finding = foundNotRepairable(admin, "REFUND_NOT_RECORDED", "creem:charge:" + transaction, order);
        assertThat(finding.path("evidence").path("refundedAtProviderMinor").asLong())
                .isEqualTo(990);
        assertThat(finding.path("evidence").path("refundedHereMinor").asLong()).isZero();
        return finding;
    }

    /** Creem's refund.created object of all 990 of {@code transaction}, the order's charge. */
    private static String refund(String transaction, String order) {
        return """
                {"id":"%s","object":"refund","status":"succeeded","refund_amount":990,"refund_currency":"USD",
                 "transaction":{"id":"%s","object":"transaction","amount":990,"amount_paid":990,"currency":"USD",
                   "status":"refunded","refunded_amount":990,"order":"%s"},
                 "order":{"id":"%s","amount":990,"currency":"USD","status":"paid"}}""".formatted(id("ref"), transaction, order, order);
    }

    /** The one finding of a run: of {@code kind} on {@code subject}, naming the order's purchase, with no repair. */
    private JsonNode foundNotRepairable(AdminSupport.Admin admin, String kind, String subject, String order) {
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo(kind);
        assertThat(finding.path("subject").asString()).isEqualTo(subject);
        assertThat(finding.path("repairable").asBoolean()).isFalse();
        assertThat(finding.path("evidence").path("purchaseKey").asString()).isEqualTo("creem:order:" + order);
        return finding;
    }

    /** The webhook, resent from Creem's dashboard, claws the pack back and the next run finds nothing. */
    private void resentWebhookTakesTheCreditsBackAndTheRunIsClean(
            AdminSupport.Admin admin, UserAccount buyer, String type, String object) throws Exception {
        assertThat(creemWebhook(id("evt"), type, object).statusCode()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isZero();
        assertThat(findings(admin)).as("the resent " + type + " is recorded").isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private UserAccount buyer() {
        return users.create(
                "creem-charge-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
    }

    /** A pack-200 bought at Creem for 9.90, its {@code checkout.completed} processed: 200 credits. */
    private void packBought(UserAccount buyer, String order) throws Exception {
        packBought(buyer, order, 990);
    }

    /** A pack-200 whose {@code checkout.completed}, saying its order paid {@code paid}, is processed. */
    private void packBought(UserAccount buyer, String order, long paid) throws Exception {
        String checkout = """
                {"id":"%s","object":"checkout","status":"completed","request_id":"%s",
                 "product":{"id":"prod_local_pack-200"},
                 "order":{"id":"%s","amount":990,"amount_paid":%d,"currency":"USD","status":"paid"},
                 "customer":{"email":"%s"},"metadata":{"userId":"%d","product":"pack-200"}}""".formatted(id("ch"), id("req"), order, paid, buyer.email(), buyer.id());
        assertThat(creemWebhook(id("evt"), "checkout.completed", checkout).statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
    }

    /** The order's transaction as Creem's {@code GET /v1/transactions/search?order_id=} answers it (stubbed). */
    private static void transactionAtCreem(String order, String transaction, String status, long refunded) {
        String list = """
                {"items":[{"id":"%s","mode":"test","object":"transaction","amount":990,"amount_paid":990,
                  "currency":"USD","type":"payment","status":"%s","refunded_amount":%d,"order":"%s",
                  "customer":"cust_1","created_at":1764500000000}],
                 "pagination":{"total_records":1,"total_pages":1,"current_page":1,"next_page":null,"prev_page":null}}""".formatted(transaction, status, refunded, order);
        CREEM.stubFor(get(urlPathEqualTo("/v1/transactions/search"))
                .withQueryParam("order_id", equalTo(order))
                .withHeader("x-api-key", equalTo("creem_test_reconcile"))
                .willReturn(json(list)));
    }

    private static String id(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }
}
