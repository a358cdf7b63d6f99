package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import org.junit.jupiter.api.Test;

/**
 * A Creem dispute's amount is measured against what its transaction paid (tax included); when the
 * dispute states no usable paid amount (none, or 0, which no real charge has), against the
 * purchase's own amount, as a refund is: the dispute is processed, never left failing for ever.
 */
class CreemDisputeTest extends BillingIntegrationTest {

    @Test
    void aDisputeWhoseTransactionStatesNothingPaidIsMeasuredAgainstThePurchasesOwnAmount() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        String opened = id("evt");
        creem("""
                {"id":"%s","eventType":"dispute.created","created_at":1750941264812,
                 "object":{"id":"%s","object":"dispute","amount":495,"currency":"USD",
                   "transaction":{"id":"tran_%s","object":"transaction","amount":990,"amount_paid":0,"order":"%s"},
                   "order":{"id":"%s","amount":990,"amount_paid":0,"currency":"USD"}}}""".formatted(opened, id("disp"), order, order, order));

        assertThat(eventStatus("creem", opened)).isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(100); // 495 of the order's 990: half of its 200 credits
    }
}
