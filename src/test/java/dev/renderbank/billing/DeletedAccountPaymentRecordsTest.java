package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Deleting an account erases its address and name, and payment records stay anonymised: the stored
 * payment webhooks too, whose raw payloads carry the buyer's address, name and postal address as the
 * provider sent them back. Before, they stayed in payment_event.payload (and the admin's payload
 * view) for ever. Ids, amounts and metadata stay; another buyer's events are left alone.
 */
class DeletedAccountPaymentRecordsTest extends BillingIntegrationTest {

    @Autowired
    AccountDeletion deletion;

    @Test
    void theDeletedAccountsAddressAndNameLeaveItsStoredPaymentEventsAndNoOneElses() throws Exception {
        UserAccount u = newUser();
        UserAccount other = newUser();
        String order = "ord_" + UUID.randomUUID();
        String otherOrder = "ord_" + UUID.randomUUID();
        creem(checkout("evt_" + UUID.randomUUID(), order, u.id(), u.email(), "Jane Buyer"));
        creem(checkout("evt_" + UUID.randomUUID(), otherOrder, other.id(), other.email(), "Olga Other"));
        // an event naming the order only (no user id), with the buyer's details as Creem sends them
        String refund = "evt_" + UUID.randomUUID();
        creem(creemRefund(refund, "ref_" + UUID.randomUUID(), order, 990)
                .replace(
                        "\"reason\":",
                        "\"customer\":{\"email\":\"" + u.email() + "\",\"name\":\"Jane Buyer\"},\"reason\":"));
        assertThat(payloadsNaming(u.email())).hasSize(2);

        assertThat(deletion.delete(u.id(), "a-long-password-123")).isInstanceOf(DeletionOutcome.Deleted.class);

        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(payloadsNaming(u.email())).isEmpty());
        assertThat(payloadsNaming("Jane Buyer")).isEmpty();
        List<String> kept = payloadsNaming(order);
        assertThat(kept).hasSize(2).allSatisfy(p -> assertThat(p).contains("\"email\":\"erased\""));
        assertThat(kept)
                .anySatisfy(p ->
                        assertThat(p).contains("\"userId\":\"" + u.id() + "\"").contains("990"));
        assertThat(payloadsNaming(other.email())).hasSize(1);
        assertThat(payloadsNaming("Olga Other")).hasSize(1);
        assertThat(eventStatus("creem", refund)).isEqualTo("PROCESSED");
    }

    private List<String> payloadsNaming(String text) {
        return jdbc.sql("select payload from payment_event where strpos(payload, :t) > 0")
                .param("t", text)
                .query(String.class)
                .list();
    }

    private static String checkout(String eventId, String orderId, long userId, String email, String name) {
        return creemCheckout(eventId, orderId, userId, "prod_local_pack-200", 990)
                .replace("\"email\":\"buyer@example.com\"", "\"email\":\"" + email + "\",\"name\":\"" + name + "\"");
    }
}
