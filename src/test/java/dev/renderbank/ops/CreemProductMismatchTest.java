package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A Creem {@code checkout.completed} whose paid product is another of the catalogue's products than
 * the one renderbank opened the checkout for (its metadata): two products' {@code creem-product-id}
 * swapped in the configuration, or a checkout link edited at Creem. Which of the two was meant only an
 * operator can tell, so nothing is granted and, as for an unknown product, it waits through the retry
 * schedule once, then is kept FAILED for an operator and raised once, its error naming both products;
 * not retried every 6 hours for ever.
 */
class CreemProductMismatchTest extends ReconcileIntegrationTest {

    @Test
    void aCheckoutPaidForAnotherProductThanItWasOpenedForIsParkedNamingBoth() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        UserAccount buyer = users.create("mismatch-" + n + "@test.local", "a-long-password-123", Role.USER, true);
        String eventId = "evt_chk_" + n;
        assertThat(creemWebhook(eventId, "checkout.completed", """
                        {"id":"ch_%1$s","object":"checkout","request_id":null,
                         "order":{"id":"ord_%1$s","amount":990,"currency":"USD","status":"paid"},
                         "product":{"id":"prod_local_pack-1000"},"customer":{"email":"%2$s"},
                         "metadata":{"userId":"%3$d","product":"pack-200"}}""".formatted(n, buyer.email(), buyer.id()))
                        .statusCode())
                .isEqualTo(200);

        StoredEvent parked = awaitParked("creem", eventId);
        assertThat(parked.lastError())
                .as("the stored error names the product paid for, the one the checkout was opened for, and the key")
                .contains("prod_local_pack-1000")
                .contains("pack-1000")
                .contains("pack-200")
                .contains("creem-product-id");
        assertThat(parkedAlerts(parked.id()))
                .as("operators are told once that it is no longer retried")
                .hasSize(1);
        assertThat(ledger.balance(buyer.id()).balance()).as("nothing granted").isZero();
        assertThat(purchases(buyer)).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
