package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.creem.CreemEvents;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * A Creem {@code checkout.completed} naming a product no pack or plan of the catalogue has (its
 * Creem product id was never configured) cannot be granted until an operator configures it: it is
 * retried through the backoff schedule once, then kept FAILED for an operator, no longer retried,
 * and raised to operators once, naming the Creem product id to configure. Once the catalogue knows
 * the product (configuration changed, application restarted), an operator's reprocess grants the
 * purchase, once, however many reprocesses and copies of the checkout arrive.
 */
class CreemUnknownProductTest extends ReconcileIntegrationTest {

    @Autowired
    CreemEvents creemEvents;

    @Autowired
    ProductCatalog catalog;

    @Test
    void aCheckoutOfAnUnknownProductIsParkedNamingTheProductAndGrantedOnceWhenTheProductIsKnown() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        String creemProduct = "prod_unconfigured_" + n;
        UserAccount buyer =
                users.create("unknown-product-" + n + "@test.local", "a-long-password-123", Role.USER, true);
        String checkout = """
                {"id":"ch_%1$s","object":"checkout","request_id":null,
                 "order":{"id":"ord_%1$s","amount":990,"currency":"USD","status":"paid"},
                 "product":{"id":"%2$s"},"customer":{"email":"%3$s"},
                 "metadata":{"userId":"%4$d","product":"pack-200"}}""".formatted(n, creemProduct, buyer.email(), buyer.id());
        String eventId = "evt_chk_" + n;
        assertThat(creemWebhook(eventId, "checkout.completed", checkout).statusCode())
                .isEqualTo(200);

        StoredEvent stored = awaitParked("creem", eventId);
        long id = stored.id();
        assertThat(stored.lastError())
                .as("the stored error names the Creem product id to configure, and the product the checkout was for")
                .contains("unknown product " + creemProduct)
                .contains("creem-product-id")
                .contains("pack-200");
        var parked = parkedAlerts(id);
        assertThat(parked)
                .as("operators are told once that it is no longer retried")
                .hasSize(1);
        assertThat(parked.get(0).message()).contains(creemProduct).contains("pack-200");
        assertThat(ledger.balance(buyer.id()).balance()).isZero();

        // the operator configures pack-200's Creem product id and restarts (the catalogue is read at start)
        ProductCatalog configured = new ProductCatalog(
                Map.of("pack-200", new ProductCatalog.Entry(null, null, null, null, creemProduct, null, null, null)),
                Map.of(),
                null);
        ReflectionTestUtils.setField(creemEvents, "catalog", configured);
        try {
            AdminSupport.Admin admin = admins.newAdmin();
            AdminSupport.Admin other = admins.newAdmin();
            var answers = Concurrently.run(
                    () -> reprocess(admin, id, key("reprocess-a")), () -> reprocess(other, id, key("reprocess-b")));
            assertThat(answers)
                    .as("one reprocess applies it; the other finds it processed already (422)")
                    .containsExactlyInAnyOrder(200, 422);
            assertThat(state(eventId)).startsWith("PROCESSED");
            // Creem sends the checkout again under another event id: the order is granted already
            assertThat(creemWebhook("evt_chk2_" + n, "checkout.completed", checkout)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(state("evt_chk2_" + n)).startsWith("PROCESSED");
        } finally {
            ReflectionTestUtils.setField(creemEvents, "catalog", catalog);
        }
        assertThat(ledger.balance(buyer.id()).balance()).as("granted once").isEqualTo(200);
        assertThat(purchases(buyer)).isEqualTo(1);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private int reprocess(AdminSupport.Admin admin, long eventId, String key) {
        return AdminSupport.call(
                        port,
                        "POST",
                        "/api/v1/admin/webhooks/" + eventId + "/reprocess",
                        admin.token(),
                        "{\"reason\":\"pack-200's Creem product id configured\"}",
                        key)
                .statusCode();
    }

    private String state(String eventId) {
        return jdbc.sql("select status || case when next_attempt_at is null then ' parked' else ' due' end"
                        + " from payment_event where provider = 'creem' and event_id = :e")
                .param("e", eventId)
                .query(String.class)
                .single();
    }
}
