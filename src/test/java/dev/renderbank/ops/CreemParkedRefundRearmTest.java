package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A Creem refund parked because its order was not recorded (its checkout failing for longer than the
 * refund's retries, e.g. until an operator fixed the catalogue) is tried again when that order's
 * purchase is recorded: the refund takes the credits back once. Without it the user kept the credits
 * of a refunded order unless an operator noticed the one alert.
 */
class CreemParkedRefundRearmTest extends ReconcileIntegrationTest {

    @Test
    void aParkedRefundIsAppliedOnceItsOrderIsRecorded() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        UserAccount buyer = users.create("parked-refund-" + n + "@test.local", "a-long-password-123", Role.USER, true);
        String refundEvent = "evt_ref_" + n;
        assertThat(creemRefundOfOrder(refundEvent, n).statusCode()).isEqualTo(200);
        awaitParked("creem", refundEvent);

        // the order's checkout finally lands (its product configured now): granted
        assertThat(creemPackCheckout("evt_chk_" + n, n, buyer).statusCode()).isEqualTo(200);
        assertThat(stored("creem", "evt_chk_" + n).status()).isEqualTo("PROCESSED");

        // the parked refund comes due again and takes the order's credits back, once
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> stored("creem", refundEvent).status().equals("PROCESSED"));
        assertThat(ledger.balance(buyer.id()).balance())
                .as("the refunded order's credits are taken back")
                .isZero();
        assertThat(stored("creem", refundEvent).attempts()).isEqualTo(PaymentEventStore.BOUNDED_ATTEMPTS + 1);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
