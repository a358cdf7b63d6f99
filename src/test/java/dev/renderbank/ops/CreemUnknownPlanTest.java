package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A Creem {@code subscription.paid} of a product no plan of the catalogue has as its {@code
 * creem-product-id} cannot be granted until an operator configures it: like a checkout of an unknown
 * product it waits through the retry schedule once, then is kept FAILED for an operator, no longer
 * retried, and raised once, its error naming the Creem product id to configure; not retried every
 * 6 hours for ever.
 */
class CreemUnknownPlanTest extends ReconcileIntegrationTest {

    @Test
    void aRenewalOfAnUnknownPlanIsParkedNamingTheProduct() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        String creemProduct = "prod_unconfigured_plan_" + n;
        String eventId = "evt_sub_" + n;
        assertThat(creemWebhook(eventId, "subscription.paid", """
                        {"id":"sub_%1$s","object":"subscription","status":"active",
                         "product":{"id":"%2$s"},"customer":{"email":"plan-%1$s@test.local"},
                         "metadata":{"product":"pro-monthly"}}""".formatted(n, creemProduct))
                        .statusCode())
                .isEqualTo(200);

        StoredEvent parked = awaitParked("creem", eventId);
        assertThat(parked.lastError())
                .as("the stored error names the Creem product id to configure")
                .contains("unknown plan " + creemProduct)
                .contains("creem-product-id");
        assertThat(parkedAlerts(parked.id()))
                .as("operators are told once that it is no longer retried")
                .hasSize(1);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
