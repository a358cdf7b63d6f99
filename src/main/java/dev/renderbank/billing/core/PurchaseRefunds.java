package dev.renderbank.billing.core;

import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.RefundStore;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a refund of a payment does to credits (Creem's refunds; Stripe's, stated as the charge's
 * refunded total, go through {@link RefundTotals}). Runs inside the event's transaction, as {@link
 * Purchases} does.
 */
@Component
public class PurchaseRefunds {

    private final PurchaseStore store;
    private final PurchaseChargeStore charges;
    private final PurchaseRefStore refs;
    private final RefundStore refunds;
    private final Clawbacks clawbacks;
    private final OperatorAlerts alerts;
    private final Clock clock;

    PurchaseRefunds(
            PurchaseStore store,
            PurchaseChargeStore charges,
            PurchaseRefStore refs,
            RefundStore refunds,
            Clawbacks clawbacks,
            OperatorAlerts alerts,
            Clock clock) {
        this.store = store;
        this.charges = charges;
        this.refs = refs;
        this.refunds = refunds;
        this.clawbacks = clawbacks;
        this.alerts = alerts;
        this.clock = clock;
    }

    /**
     * How a provider states a refund's amount, measured against the charge the provider reports.
     * Stripe's refunds, stated as the charge's refunded total, go through {@link RefundTotals}.
     */
    public sealed interface Refunded {

        /** This refund's own amount (Creem's {@code refund_amount}). */
        record ThisRefund(long amountMinor) implements Refunded {}
    }

    /**
     * A refund of a charge. Its amount is measured against {@code chargeMinor}, what the provider says
     * was paid (tax included); null means the purchase's own amount.
     */
    public Outcome refund(
            String provider, String refundId, List<String> chargeRefs, Refunded amount, Long chargeMinor) {
        Optional<Purchase> found = lockByRefs(provider, chargeRefs);
        if (found.isEmpty()) {
            return new Outcome.Unprocessable("refund " + refundId + " names no known purchase " + chargeRefs);
        }
        Purchase p = found.get();
        if (p.amountMinor() == 0 && amount instanceof Refunded.ThisRefund one && one.amountMinor() > 0) {
            // Recorded as paid nothing (its checkout said amount_paid 0), yet real money is refunded:
            // it was paid, and the refund is measured against what its charge paid.
            if (chargeMinor == null || chargeMinor <= 0) {
                return new Outcome.Unprocessable("refund " + refundId + " of purchase " + p.key()
                        + ", recorded as paid nothing, does not say what its charge paid");
            }
            charges.setPaidFromNothing(p.id(), chargeMinor);
            alerts.raise(
                    AlertKind.BILLING_REFUND_OF_UNPAID_PURCHASE,
                    "Purchase " + p.key() + " was recorded as paid nothing, but refund " + refundId + " refunds "
                            + one.amountMinor() + " of its charge's " + chargeMinor + " " + p.currency()
                            + ": it is now recorded at " + chargeMinor + " and the refund takes its share of credits");
            p = store.lock(p.id());
        }
        long refunded;
        long refundMinor;
        if (amount instanceof Refunded.ThisRefund one) {
            refundMinor = one.amountMinor();
            // Measured in the purchase's own amount as the step of the charge's running total (its
            // refunds and disputes), so refunds and disputes that together take back the whole charge
            // take back the whole purchase: each rounded down on its own could leave a credit.
            long before = chargeMinor == null ? 0 : refunds.takenBackOfCharge(provider, p.id(), chargeMinor);
            refunded = p.refundedMinor()
                    + p.inOwnAmount(Math.addExact(before, refundMinor), chargeMinor)
                    - p.inOwnAmount(before, chargeMinor);
        } else {
            throw new IllegalStateException("unexpected refund amount " + amount);
        }
        refunded = Math.min(refunded, p.amountMinor());
        if (!refunds.insert(provider, refundId, p.id(), refunded, refundMinor, chargeMinor, clock.instant())) {
            return new Outcome.Processed("refund " + refundId + " was already applied");
        }
        charges.setRefunded(p.id(), refunded);
        long taken = clawbacks.rebalance(store.lock(p.id()), provider + ":refund:" + refundId, "refund " + refundId);
        return new Outcome.Processed("refund " + refundId + ": " + refunded + "/" + p.amountMinor() + " " + p.currency()
                + " refunded, " + taken + " credits clawed back");
    }

    /** The purchase named by the first recorded of {@code refs}, locked until the transaction ends. */
    private Optional<Purchase> lockByRefs(String provider, List<String> refs) {
        return this.refs.purchaseOf(provider, refs).map(store::lock);
    }
}
