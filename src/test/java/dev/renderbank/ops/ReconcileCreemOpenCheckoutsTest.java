package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Creem is asked checkout by checkout from a capped number of calls per run ({@code CREEM_CALL_CAP}
 * here): checkouts that are never paid (one user opening many, or a shop's abandoned ones) must not
 * use them up run after run, so that a paid checkout whose webhook was lost is still found. A
 * checkout Creem reports expired is not asked again, one it reports unpaid not again within the
 * back-off, and each user's checkouts take turns with everyone else's.
 */
class ReconcileCreemOpenCheckoutsTest extends ReconcileIntegrationTest {

    static final Duration MONTH = ReconcileCreemPlanTest.MONTH;

    @Autowired
    ProductCatalog catalog;

    @Autowired
    CheckoutStore checkouts;

    @Test
    void aPaidCheckoutWhoseWebhookWasLostIsFoundBehindAnotherUsersManyUnpaidOnesWhichAreNotAskedAgain()
            throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        // what earlier tests of this database left open is asked about once (Creem does not know it)
        findings(admin);

        UserAccount flooder = user();
        List<String> expired = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (int i = 0; i <= CREEM_CALL_CAP; i++) {
            (i % 2 == 0 ? expired : pending).add(openedAtCreem(flooder, i % 2 == 0 ? "expired" : "pending", null));
        }
        clock.advance(Duration.ofMinutes(5));
        UserAccount buyer = user();
        String orderId = "ord_" + UUID.randomUUID().toString().replace("-", "");
        String paid = openedAtCreem(buyer, "completed", orderId);
        CREEM.resetRequests();

        JsonNode found = findings(admin);
        assertThat(found)
                .as(found + "; Creem was asked about " + askedCheckouts())
                .hasSize(1);
        JsonNode finding = found.get(0);
        assertThat(finding.path("kind").asString()).isEqualTo("PAID_NOT_RECORDED");
        assertThat(finding.path("subject").asString()).isEqualTo("creem:checkout:" + paid);
        assertThat(finding.path("evidence").path("purchaseKey").asString()).isEqualTo("creem:order:" + orderId);
        repaired(admin, finding, "creem webhook lost");
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);

        // the runs that follow ask each of the flooder's checkouts once, and then no more
        List<String> asked = new ArrayList<>(askedCheckouts());
        for (int run = 0; run < 20 && !(asked.containsAll(expired) && asked.containsAll(pending)); run++) {
            CREEM.resetRequests();
            assertThat(findings(admin)).isEmpty();
            asked.addAll(askedCheckouts());
        }
        assertThat(asked).containsAll(expired).containsAll(pending);
        CREEM.resetRequests();
        assertThat(findings(admin)).isEmpty();
        assertThat(askedCheckouts())
                .as("asked again within the back-off")
                .doesNotContainAnyElementsOf(expired)
                .doesNotContainAnyElementsOf(pending);

        // past the longest back-off (12 h), still in the window: an unpaid one is asked again, an expired one never
        clock.advance(Duration.ofHours(13));
        asked.clear();
        for (int run = 0; run < 20 && !asked.containsAll(pending); run++) {
            CREEM.resetRequests();
            assertThat(findings(admin)).isEmpty();
            asked.addAll(askedCheckouts());
        }
        assertThat(asked).containsAll(pending).doesNotContainAnyElementsOf(expired);

        assertThat(ledger.balance(buyer.id()).available()).as("granted once").isEqualTo(200);
        assertThat(purchases(buyer)).isEqualTo(1);
        assertThat(ledger.balance(flooder.id()).available()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void manyOpenCheckoutsDoNotLeaveARenewalWhoseWebhookWasLostUnread() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount subscriber = user();
        String sub = ReconcileCreemPlanTest.id("sub");
        Instant renewed = clock.instant().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        String first = ReconcileCreemPlanTest.subscriptionAtCreem(
                sub, subscriber, "active", renewed.minus(MONTH), renewed, ReconcileCreemPlanTest.id("tran"));
        assertThat(creemWebhook(
                                ReconcileCreemPlanTest.id("evt"),
                                "subscription.paid",
                                ReconcileCreemPlanTest.withMetadata(first, subscriber))
                        .statusCode())
                .isEqualTo(200);
        ReconcileCreemPlanTest.subscriptionAtCreem(
                sub, subscriber, "active", renewed, renewed.plus(MONTH), ReconcileCreemPlanTest.id("tran"));
        UserAccount flooder = user();
        for (int i = 0; i < 2 * CREEM_CALL_CAP; i++) {
            openedAtCreem(flooder, "pending", null);
        }

        JsonNode found = findings(admin);
        assertThat(found).as(found.toString()).hasSize(1);
        assertThat(found.get(0).path("subject").asString())
                .isEqualTo("creem:subscription:" + sub + ":" + renewed.getEpochSecond());
        repaired(admin, found.get(0), "creem webhook lost");
        assertThat(ledger.balance(subscriber.id()).available()).isEqualTo(1000);
        jdbc.sql(
                        "update billing_subscription set status = 'canceled' where provider = 'creem' and subscription_id = :s")
                .param("s", sub)
                .update();
    }

    /** The Creem checkouts the runs since the last reset asked about. */
    private List<String> askedCheckouts() {
        return CREEM.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/v1/checkouts"))
                .map(e -> e.getRequest().queryParameter("checkout_id").firstValue())
                .toList();
    }

    private UserAccount user() {
        return users.create("creem-open-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
    }

    /**
     * A pack checkout opened here and at Creem, as Creem's {@code GET /v1/checkouts} returns it
     * (stubbed): {@code completed} with a paid order, or {@code pending} or {@code expired} without
     * one. Answers Creem's id of it.
     */
    private String openedAtCreem(UserAccount buyer, String status, String orderId) {
        String ours = "chk-" + UUID.randomUUID();
        String creemId = "ch_" + UUID.randomUUID().toString().replace("-", "");
        assertThat(checkouts.insertPending(
                        ours, buyer.id(), catalog.product("pack-200").orElseThrow(), "creem", ours, clock.instant()))
                .isTrue();
        checkouts.open(ours, "https://checkout.creem.test/" + creemId, creemId);
        String order = orderId == null ? "null" : """
                {"id":"%s","object":"order","amount":990,"amount_paid":990,"currency":"USD","status":"paid",
                 "type":"onetime","product":"prod_local_pack-200","created_at":"%s"}""".formatted(orderId, clock.instant());
        String checkout = """
                {"id":"%s","mode":"test","object":"checkout","status":"%s","request_id":"%s",
                 "product":{"id":"prod_local_pack-200","object":"product","price":990,"currency":"USD"},
                 "units":1,"order":%s,"customer":{"id":"cust_1","email":"%s"},
                 "metadata":{"userId":"%d","product":"pack-200","checkoutId":"%s"}}""".formatted(creemId, status, ours, order, buyer.email(), buyer.id(), ours);
        CREEM.stubFor(get(urlPathEqualTo("/v1/checkouts"))
                .withQueryParam("checkout_id", equalTo(creemId))
                .withHeader("x-api-key", equalTo("creem_test_reconcile"))
                .willReturn(json(checkout)));
        return creemId;
    }
}
