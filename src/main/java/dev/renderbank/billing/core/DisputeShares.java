package dev.renderbank.billing.core;

import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.RefundStore;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a dispute takes ({@link Disputes}): its share of the locked purchase, measured against the
 * charge's running total of refunds and disputes; a purchase recorded as paid nothing made
 * measurable; the share taken (a clawback) and the dispute recorded. Every path that takes a share
 * calls {@link #takeShare} only for a dispute not recorded yet or still an inquiry, with the
 * purchase and the dispute locked, and records it as taken in the same transaction.
 */
@Component
class DisputeShares {

    private final PurchaseStore purchases;
    private final PurchaseChargeStore charges;
    private final DisputeStore disputes;
    private final RefundStore refunds;
    private final Clawbacks clawbacks;
    private final OperatorAlerts alerts;
    private final Clock clock;

    DisputeShares(
            PurchaseStore purchases,
            PurchaseChargeStore charges,
            DisputeStore disputes,
            RefundStore refunds,
            Clawbacks clawbacks,
            OperatorAlerts alerts,
            Clock clock) {
        this.purchases = purchases;
        this.charges = charges;
        this.disputes = disputes;
        this.refunds = refunds;
        this.clawbacks = clawbacks;
        this.alerts = alerts;
        this.clock = clock;
    }

    long takeShare(Purchase p, String provider, String disputeId, long share) {
        charges.addDisputed(p.id(), share);
        return clawbacks.rebalance(purchases.lock(p.id()), provider + ":dispute:" + disputeId, "dispute " + disputeId);
    }

    void record(
            String provider,
            String disputeId,
            Long purchaseId,
            String status,
            long share,
            DisputeStore.OfCharge ofCharge,
            long taken) {
        if (!disputes.insert(provider, disputeId, purchaseId, status, share, ofCharge, taken, clock.instant())) {
            // Only possible when no purchase was locked (unknown to the closing): roll back; the retry sees it.
            throw new IllegalStateException("dispute " + disputeId + " was recorded concurrently; processing again");
        }
    }

    /**
     * The locked purchase, measurable: one recorded as paid nothing (a checkout's {@code amount_paid:
     * 0}) whose charge is charged back was paid after all, and is recorded at what its charge paid,
     * with an operator alert (as a refund of it raises one). Empty: it was, but the dispute does not
     * say what its charge paid.
     */
    Optional<Purchase> paid(Purchase p, String disputeId, Long amountMinor, Long chargeMinor) {
        if (p.amountMinor() != 0 || (amountMinor != null && amountMinor <= 0)) {
            return Optional.of(p);
        }
        if (chargeMinor == null || chargeMinor <= 0) {
            return Optional.empty();
        }
        charges.setPaidFromNothing(p.id(), chargeMinor);
        alerts.raise(
                AlertKind.BILLING_DISPUTE_OF_UNPAID_PURCHASE,
                "Purchase " + p.key() + " was recorded as paid nothing, but dispute " + disputeId + " charges back "
                        + (amountMinor == null ? "all" : amountMinor) + " of its charge's " + chargeMinor + " "
                        + p.currency() + ": it is now recorded at " + chargeMinor
                        + " and the dispute takes its share of credits");
        return Optional.of(purchases.lock(p.id()));
    }

    static Outcome recordedAsPaidNothing(String disputeId, Purchase p) {
        return new Outcome.Unprocessable("dispute " + disputeId + " of purchase " + p.key()
                + ", recorded as paid nothing, does not say what its charge paid");
    }

    /**
     * The dispute's share in the purchase's own amount (all of it when the provider states no
     * amount): the step it adds to what the charge's recorded refunds and disputes holding funds took
     * back of it, so refunds and chargebacks that together take back the whole charge, in any order,
     * take back the whole purchase (each converted and rounded down alone could leave a credit).
     */
    long share(String provider, Purchase p, Long amountMinor, Long chargeMinor) {
        if (amountMinor == null || amountMinor <= 0) {
            return p.amountMinor();
        }
        long before = chargeMinor == null ? 0 : refunds.takenBackOfCharge(provider, p.id(), chargeMinor);
        long step = p.inOwnAmount(Math.addExact(before, amountMinor), chargeMinor) - p.inOwnAmount(before, chargeMinor);
        return Math.min(p.amountMinor(), step);
    }

    /**
     * The dispute's amount as a step of its charge's running total: what it disputes of {@code
     * chargeMinor} (all of it when the provider states no amount); none when no charge is stated.
     */
    static DisputeStore.OfCharge ofCharge(Long amountMinor, Long chargeMinor) {
        if (chargeMinor == null || chargeMinor <= 0) {
            return DisputeStore.OfCharge.NONE;
        }
        return new DisputeStore.OfCharge(
                amountMinor == null || amountMinor <= 0 ? chargeMinor : amountMinor, chargeMinor);
    }
}
