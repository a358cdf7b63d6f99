package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A Creem checkout paid at Creem (a local fake of its API) whose webhook never arrived: found by
 * fetching our open Creem checkouts by id, repaired once as its {@code checkout.completed}, and its
 * late webhook grants nothing more.
 */
class ReconcileCreemTest extends ReconcileIntegrationTest {

    @Autowired
    ProductCatalog catalog;

    @Autowired
    CheckoutStore checkouts;

    @Test
    void aPaidCreemCheckoutWithoutItsWebhookIsFoundRepairedOnceAndALateWebhookGrantsNothingMore() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        assertThat(findings(admin)).as("a clean system").isEmpty();
        UserAccount buyer =
                users.create("creem-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String orderId = "ord_" + UUID.randomUUID().toString().replace("-", "");
        String paid = openedAtCreem(buyer, "completed", orderId);
        String abandoned = openedAtCreem(buyer, "pending", null);
        assertThat(JSON.readTree(abandoned).path("status").asString()).isEqualTo("pending");
        String paidId = JSON.readTree(paid).path("id").asString();

        JsonNode found = findings(admin);
        assertThat(found)
                .as(found + "; Creem was asked: "
                        + CREEM.getAllServeEvents().stream()
                                .map(e -> e.getRequest().getUrl() + " -> "
                                        + e.getResponse().getStatus())
                                .toList())
                .hasSize(1);
        JsonNode finding = found.get(0);
        assertThat(finding.path("kind").asString()).isEqualTo("PAID_NOT_RECORDED");
        assertThat(finding.path("subject").asString()).isEqualTo("creem:checkout:" + paidId);
        assertThat(finding.path("repairable").asBoolean()).isTrue();
        assertThat(finding.path("evidence").path("purchaseKey").asString()).isEqualTo("creem:order:" + orderId);
        assertThat(finding.path("evidence")
                        .path("object")
                        .path("order")
                        .path("id")
                        .asString())
                .isEqualTo(orderId);
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing fixed silently")
                .isZero();

        long findingId = finding.path("id").asLong();
        var repaired = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"creem webhook lost\"}", key("c1"));
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        var again = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"creem webhook lost\"}", key("c2"));
        assertThat(JSON.readTree(again.body()).path("repeated").asBoolean()).isTrue();
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);

        // Creem's own checkout.completed arrives late, with Creem's event id: it grants nothing more
        assertThat(creemWebhook("evt_late_" + UUID.randomUUID(), "checkout.completed", paid)
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        assertThat(purchases(buyer)).isEqualTo(1);
        assertThat(findings(admin)).isEmpty();
        assertThat(cli("reconcile")).isEqualTo(0);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aCreemApiThatFailsIsReportedAsSkippedNotSilentlyClean() {
        UserAccount buyer =
                users.create("creem-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String checkout = openedAtCreem(buyer, "completed", "ord_" + UUID.randomUUID());
        CREEM.stubFor(get(urlPathEqualTo("/v1/checkouts")).willReturn(aResponse(500)));
        AdminSupport.Admin admin = admins.newAdmin();
        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(report.path("skipped").toString()).contains("creem");
        // the checkout is paid: its webhook arrives and the next run is clean
        CREEM.resetAll();
        try {
            assertThat(creemWebhook("evt_" + UUID.randomUUID(), "checkout.completed", checkout)
                            .statusCode())
                    .isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(findings(admin)).isEmpty();
    }

    /**
     * A 200 that is not JSON (a proxy's or maintenance page) is Creem not answering: reported as
     * skipped, and the run's other checks still report; never a 500 that loses the whole run.
     */
    @Test
    void aCreemAnswerThatIsNotJsonIsReportedAsSkipped() {
        UserAccount buyer =
                users.create("creem-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String checkout = openedAtCreem(buyer, "completed", "ord_" + UUID.randomUUID());
        CREEM.stubFor(get(urlPathEqualTo("/v1/checkouts"))
                .willReturn(
                        aResponse(200).withHeader("Content-Type", "text/html").withBody("<html>down</html>")));
        AdminSupport.Admin admin = admins.newAdmin();
        var answer = AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode report = JSON.readTree(answer.body());
        assertThat(report.path("skipped").toString()).contains("creem");
        CREEM.resetAll();
        try {
            assertThat(creemWebhook("evt_" + UUID.randomUUID(), "checkout.completed", checkout)
                            .statusCode())
                    .isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder aResponse(int status) {
        return com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(status);
    }

    /**
     * A checkout opened here and at Creem, as Creem's {@code GET /v1/checkouts} returns it (stubbed):
     * {@code completed} with a paid order, or still {@code pending} without one.
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
        return checkout;
    }
}
