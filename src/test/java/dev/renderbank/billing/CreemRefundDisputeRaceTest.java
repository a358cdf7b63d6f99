package dev.renderbank.billing;

import static dev.renderbank.billing.CreemWebhookTest.taxedDispute;
import static dev.renderbank.billing.CreemWebhookTest.taxedRefund;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import org.junit.jupiter.api.Test;

/**
 * A partial refund and a chargeback of the rest of one taxed Creem transaction delivered at the
 * same moment, on two threads, many times: whichever is processed first, the two together take
 * back every credit the pack granted, never more (no debt) and never less (no credit left).
 */
class CreemRefundDisputeRaceTest extends BillingIntegrationTest {

    private static final int ROUNDS = 10;

    @Test
    void aRefundAndADisputeOfTheRestAtTheSameMomentTakeBackEveryCreditAndNoMore() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            UserAccount u = newUser();
            String order = id("ord");
            creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
            String refund = taxedRefund(id("evt"), id("ref"), order, 600, 1198, "succeeded");
            String dispute = taxedDispute(id("evt"), id("disp"), order, 598, 1198);

            var codes = Concurrently.run(
                    () -> creem(refund).statusCode(), () -> creem(dispute).statusCode());

            assertThat(codes).containsOnly(200);
            var b = ledger.balance(u.id());
            assertThat(b.balance()).as("credits left after round %d", round).isZero();
            assertThat(b.debt()).as("debt after round %d", round).isZero();
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
