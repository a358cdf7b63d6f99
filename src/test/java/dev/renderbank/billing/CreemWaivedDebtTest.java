package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.core.Disputes;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.CaptureResult;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.UserActions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Creem chargeback whose debt an operator waived, then won: the forgiven debt does not come back as
 * credits. Creem's webhooks announce no dispute closing yet, so the win is processed as the webhook
 * processor would process it (in one transaction, by {@link Disputes#closed}); the opening is a
 * signed {@code dispute.created}. (Stripe's path: {@code ops.WaivedDebtGiveBackTest}.)
 */
class CreemWaivedDebtTest extends BillingIntegrationTest {

    @Autowired
    UserActions actions;

    @Autowired
    Disputes disputes;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aCreemDisputeWonAfterTheOperatorWaivedItsDebtGivesNoCredits() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-500", 2290));
        String job = id("job");
        ledger.reserve(u.id(), 500, job, Duration.ofMinutes(10));
        assertThat(ledger.capture(job)).isInstanceOf(CaptureResult.Captured.class);
        String dispute = id("disp");
        creem("""
                {"id":"%s","eventType":"dispute.created","created_at":1750941264812,
                 "object":{"id":"%s","object":"dispute","amount":2290,"currency":"USD",
                   "transaction":{"id":"tran_%s","object":"transaction","amount":2290,"amount_paid":2290,"order":"%s"},
                   "order":{"id":"%s","amount":2290,"amount_paid":2290,"currency":"USD"}}}""".formatted(id("evt"), dispute, order, order, order));
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 500));

        assertThat(actions.waiveDebt("ops@test.local", u.id(), "goodwill", "waive-" + UUID.randomUUID()))
                .isInstanceOf(ActionResult.Done.class);
        Outcome won =
                tx.execute(status -> disputes.closed("creem", dispute, List.of(), Disputes.Ending.WON, null, null));

        assertThat(won).isInstanceOf(Outcome.Processed.class);
        assertThat(ledger.balance(u.id()))
                .as("as if neither the dispute nor the waiver had been: 500 were spent")
                .isEqualTo(new Balance(0, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }
}
