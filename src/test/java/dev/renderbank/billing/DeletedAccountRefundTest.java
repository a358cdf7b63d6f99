package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A refund of a deleted account's purchase is recorded; what it takes back is the deleted account's
 * debt (never collected from it: a new account of its mailbox owes it, DebtCarriedToNewAccountTest).
 */
class DeletedAccountRefundTest extends BillingIntegrationTest {

    @Autowired
    AccountDeletion deletion;

    @Test
    void aRefundAfterTheAccountWasDeletedIsRecordedAsTheDeletedAccountsDebt() throws Exception {
        UserAccount u = newUser();
        String order = "ord_" + UUID.randomUUID();
        creem(creemCheckout("evt_" + UUID.randomUUID(), order, u.id(), "prod_local_pack-200", 990));
        assertThat(available(u)).isEqualTo(200);

        assertThat(deletion.delete(u.id(), "a-long-password-123")).isInstanceOf(DeletionOutcome.Deleted.class);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0)));

        String refundEvent = "evt_" + UUID.randomUUID();
        assertThat(creem(creemRefund(refundEvent, "ref_" + UUID.randomUUID(), order, 990))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventStatus("creem", refundEvent)).isEqualTo("PROCESSED");
        assertThat(jdbc.sql("select refunded_minor from billing_purchase where user_id = :u")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(990);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 200));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }
}
