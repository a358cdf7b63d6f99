package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creem plans against Creem's API (a local fake): a plan checkout paid at Creem whose webhooks never
 * arrived, and a renewal ({@code subscription.paid} of a new period) that never arrived, are found,
 * repaired once as the events their webhooks carry, and the late webhooks grant nothing more, also
 * when a repair and the webhook arrive at the same time. Creem's errors are warnings of the run.
 */
class ReconcileCreemPlanTest extends ReconcileIntegrationTest {

    static final Duration MONTH = Duration.ofDays(30);

    @Autowired
    ProductCatalog catalog;

    @Autowired
    CheckoutStore checkouts;

    @Test
    void aPlanCheckoutPaidAtCreemWithoutItsWebhooksIsFoundRepairedOnceAndLateWebhooksGrantNothingMore()
            throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        String sub = id("sub");
        Instant start = clock.instant().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        String subscription = subscriptionAtCreem(sub, buyer, "active", start, start.plus(MONTH), id("tran"));
        String checkout = planCheckoutAtCreem(buyer, sub);
        String checkoutId = JSON.readTree(checkout).path("id").asString();

        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("PAID_NOT_RECORDED");
        assertThat(finding.path("subject").asString()).isEqualTo("creem:checkout:" + checkoutId);
        assertThat(finding.path("evidence").path("purchaseKey").asString())
                .isEqualTo("creem:period:" + sub + ":" + start.getEpochSecond());
        assertThat(finding.path("evidence").path("product").asString()).isEqualTo("pro-monthly");
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing fixed silently")
                .isZero();

        repair(admin, finding, key("r1"));
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(500);
        assertThat(subscriptionUser(sub))
                .as("the subscription is recorded for its buyer")
                .isEqualTo(buyer.id());

        // Creem's own webhooks arrive late, with Creem's event ids: nothing more is granted
        assertThat(creemWebhook(id("evt"), "checkout.completed", checkout).statusCode())
                .isEqualTo(200);
        assertThat(creemWebhook(id("evt"), "subscription.paid", withMetadata(subscription, buyer))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(500);
        assertThat(purchases(buyer)).isEqualTo(1);
        assertThat(findings(admin)).as("clean after the repair").isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aRenewalPaidAtCreemWithoutItsWebhookIsFoundRepairedOnceAndItsLateWebhookGrantsNothingMore() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        String sub = id("sub");
        Instant renewed = clock.instant().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        Instant first = renewed.minus(MONTH);
        String firstPeriod = subscriptionAtCreem(sub, buyer, "active", first, renewed, id("tran"));
        assertThat(creemWebhook(id("evt"), "subscription.paid", withMetadata(firstPeriod, buyer))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(500);
        assertThat(findings(admin)).as("the period Creem reports is recorded").isEmpty();

        String renewal = subscriptionAtCreem(sub, buyer, "active", renewed, renewed.plus(MONTH), id("tran"));
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("PAID_NOT_RECORDED");
        assertThat(finding.path("subject").asString())
                .isEqualTo("creem:subscription:" + sub + ":" + renewed.getEpochSecond());
        assertThat(finding.path("evidence").path("purchaseKey").asString())
                .isEqualTo("creem:period:" + sub + ":" + renewed.getEpochSecond());
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing fixed silently")
                .isEqualTo(500);

        long before = clock.instant().toEpochMilli();
        repair(admin, finding, key("r1"));
        long after = clock.instant().toEpochMilli();
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(1000);
        // dated when Creem was read, not when it is (re)processed: a status Creem dated later (a
        // cancellation) must win over this snapshot whichever is processed first
        assertThat(JSON.readTree(jdbc.sql("select payload from payment_event where event_id like :id")
                                .param("id", "reconcile:subscription:" + sub + ":%")
                                .query(String.class)
                                .single())
                        .path("created_at")
                        .asLong())
                .isBetween(before, after);
        var again = repairCall(admin, finding, key("r2"));
        assertThat(JSON.readTree(again.body()).path("repeated").asBoolean()).isTrue();

        assertThat(creemWebhook(id("evt"), "subscription.paid", withMetadata(renewal, buyer))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(1000);
        assertThat(purchases(buyer)).isEqualTo(2);
        assertThat(findings(admin)).as("clean after the repair").isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aRenewalRepairAndItsLateWebhookAtTheSameTimeGrantTheRenewalOnce() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        String sub = id("sub");
        Instant renewed = clock.instant().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
        String firstPeriod = subscriptionAtCreem(sub, buyer, "active", renewed.minus(MONTH), renewed, id("tran"));
        assertThat(creemWebhook(id("evt"), "subscription.paid", withMetadata(firstPeriod, buyer))
                        .statusCode())
                .isEqualTo(200);
        String renewal = subscriptionAtCreem(sub, buyer, "active", renewed, renewed.plus(MONTH), id("tran"));
        JsonNode finding = onlyFinding(admin);

        CyclicBarrier start = new CyclicBarrier(2);
        var repaired = CompletableFuture.supplyAsync(() -> {
            await(start);
            return repairCall(admin, finding, "race").statusCode();
        });
        var webhook = CompletableFuture.supplyAsync(() -> {
            await(start);
            try {
                return creemWebhook(id("evt"), "subscription.paid", withMetadata(renewal, buyer))
                        .statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(webhook.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        // whichever comes first records the period; the other finds it recorded
        assertThat(repaired.get(60, TimeUnit.SECONDS)).isEqualTo(200);

        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(1000);
        assertThat(purchases(buyer)).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from billing_purchase where purchase_key = :k")
                        .param("k", "creem:period:" + sub + ":" + renewed.getEpochSecond())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aSubscriptionCreemCannotAnswerIsAWarningAndTheOthersAreStillCompared() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        String failing = id("sub");
        String lost = id("sub");
        Instant renewed = clock.instant().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        for (String sub : new String[] {failing, lost}) {
            String paid = subscriptionAtCreem(sub, buyer, "active", renewed.minus(MONTH), renewed, id("tran"));
            assertThat(creemWebhook(id("evt"), "subscription.paid", withMetadata(paid, buyer))
                            .statusCode())
                    .isEqualTo(200);
        }
        subscriptionAtCreem(lost, buyer, "active", renewed, renewed.plus(MONTH), id("tran"));
        CREEM.stubFor(get(urlPathEqualTo("/v1/subscriptions"))
                .withQueryParam("subscription_id", equalTo(failing))
                .willReturn(aResponse().withStatus(503)));

        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(report.path("skipped").toString()).contains("creem").contains(failing);
        assertThat(report.path("findings")).hasSize(1);
        JsonNode finding = report.path("findings").get(0);
        assertThat(finding.path("subject").asString()).startsWith("creem:subscription:" + lost + ":");

        repair(admin, finding, key("r1"));
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(1500);
        cancelAtCreemAndHere(failing);
        assertThat(findings(admin)).isEmpty();
    }

    @Test
    void creemCallsOfOneRunStopAtTheConfiguredCapAndTheRestIsReportedNotChecked() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer = buyer();
        Instant renewed = clock.instant().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        String[] subs = new String[CREEM_CALL_CAP + 2];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = id("sub");
            String paid = subscriptionAtCreem(subs[i], buyer, "active", renewed.minus(MONTH), renewed, id("tran"));
            assertThat(creemWebhook(id("evt"), "subscription.paid", withMetadata(paid, buyer))
                            .statusCode())
                    .isEqualTo(200);
        }
        CREEM.resetRequests();

        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(CREEM.getAllServeEvents()).hasSizeLessThanOrEqualTo(CREEM_CALL_CAP);
        assertThat(report.path("skipped").toString()).contains("creem").contains("at most " + CREEM_CALL_CAP);
        assertThat(report.path("findings")).isEmpty();
        for (String sub : subs) {
            cancelAtCreemAndHere(sub);
        }
    }

    private UserAccount buyer() {
        return users.create("creem-plan-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
    }

    private void repair(AdminSupport.Admin admin, JsonNode finding, String key) {
        var repaired = repairCall(admin, finding, key);
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
    }

    private HttpResponse<String> repairCall(AdminSupport.Admin admin, JsonNode finding, String key) {
        return AdminSupport.call(
                port,
                "POST",
                repairPath(finding.path("id").asLong()),
                admin.token(),
                "{\"reason\":\"creem webhook lost\"}",
                key + "-" + finding.path("id").asLong());
    }

    private long subscriptionUser(String sub) {
        return jdbc.sql("select user_id from billing_subscription where provider = 'creem' and subscription_id = :s")
                .param("s", sub)
                .query(Long.class)
                .single();
    }

    /** Leaves no subscription due for a renewal behind for the other tests of this database. */
    private void cancelAtCreemAndHere(String sub) {
        jdbc.sql(
                        "update billing_subscription set status = 'canceled' where provider = 'creem' and subscription_id = :s")
                .param("s", sub)
                .update();
    }

    /**
     * A plan checkout opened here and completed at Creem ({@code GET /v1/checkouts} stubbed): its order
     * paid and its subscription named by id, as Creem's API answers it.
     */
    private String planCheckoutAtCreem(UserAccount buyer, String sub) {
        String ours = "chk-" + UUID.randomUUID();
        String creemId = id("ch");
        assertThat(checkouts.insertPending(
                        ours, buyer.id(), catalog.product("pro-monthly").orElseThrow(), "creem", ours, clock.instant()))
                .isTrue();
        checkouts.open(ours, "https://checkout.creem.test/" + creemId, creemId);
        String checkout = """
                {"id":"%s","mode":"test","object":"checkout","status":"completed","request_id":"%s",
                 "product":{"id":"prod_local_pro-monthly","object":"product","price":1990,"currency":"USD"},
                 "units":1,"subscription":"%s",
                 "order":{"id":"%s","object":"order","amount":1990,"amount_paid":1990,"currency":"USD",
                          "status":"paid","type":"recurring","product":"prod_local_pro-monthly"},
                 "customer":{"id":"cust_1","email":"%s"},
                 "metadata":{"userId":"%d","product":"pro-monthly","checkoutId":"%s"}}""".formatted(creemId, ours, sub, id("ord"), buyer.email(), buyer.id(), ours);
        CREEM.stubFor(get(urlPathEqualTo("/v1/checkouts"))
                .withQueryParam("checkout_id", equalTo(creemId))
                .withHeader("x-api-key", equalTo("creem_test_reconcile"))
                .willReturn(json(checkout)));
        return checkout;
    }

    /**
     * The subscription as Creem's {@code GET /v1/subscriptions} answers it (stubbed, replacing an
     * earlier answer): its current period paid by {@code transaction}. Creem's API lists no metadata
     * on a subscription and may name the customer by id only, so neither is given.
     */
    static String subscriptionAtCreem(
            String sub, UserAccount buyer, String status, Instant start, Instant end, String transaction) {
        String subscription = """
                {"id":"%s","mode":"test","object":"subscription","status":"%s",
                 "product":{"id":"prod_local_pro-monthly","object":"product"},"customer":"cust_%d",
                 "collection_method":"charge_automatically","last_transaction_id":"%s",
                 "last_transaction":{"id":"%s","object":"transaction","amount":1990,"amount_paid":1990,
                   "currency":"USD","type":"invoice","status":"paid","order":"%s","subscription":"%s",
                   "period_start":%d,"period_end":%d,"created_at":%d},
                 "last_transaction_date":"%s","current_period_start_date":"%s","current_period_end_date":"%s",
                 "created_at":"%s","updated_at":"%s"}""".formatted(
                        sub,
                        status,
                        buyer.id(),
                        transaction,
                        transaction,
                        id("ord"),
                        sub,
                        start.toEpochMilli(),
                        end.toEpochMilli(),
                        start.toEpochMilli(),
                        start,
                        start,
                        end,
                        start,
                        start);
        CREEM.stubFor(get(urlPathEqualTo("/v1/subscriptions"))
                .withQueryParam("subscription_id", equalTo(sub))
                .withHeader("x-api-key", equalTo("creem_test_reconcile"))
                .willReturn(json(subscription)));
        return subscription;
    }

    /** The subscription as its webhook carries it: with the checkout's metadata (Creem's webhook samples show it). */
    static String withMetadata(String subscription, UserAccount buyer) {
        ObjectNode node = (ObjectNode) JSON.readTree(subscription);
        node.putObject("metadata").put("userId", String.valueOf(buyer.id())).put("product", "pro-monthly");
        return node.toString();
    }

    static String id(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
