package dev.renderbank.billing.core;

import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.PurchaseStore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a dispute does to credits. A dispute takes back its share of the charge (all of it unless
 * the provider says less), like a partial refund; refunds and disputes of one charge together never
 * take back more than it granted. A lost dispute keeps its share taken; a won one gives back what is
 * clawed back and owed again (what it took, and what a refund that failed meanwhile could not give
 * back while the dispute held the charge), as far as the purchase is entitled to it. While a dispute is open, a yearly plan's
 * months wait; its closing grants the months that started meanwhile.
 *
 * <p>Locks are taken in one order, the purchase and then the dispute, so an opening and a closing
 * processed at the same moment queue on the purchase, and the second re-reads what the first wrote.
 */
@Component
public class Disputes {

    private final PurchaseStore purchases;
    private final PurchaseRefStore refs;
    private final DisputeStore disputes;
    private final Clawbacks clawbacks;
    private final MonthlyGrants months;
    private final Clock clock;

    Disputes(
            PurchaseStore purchases,
            PurchaseRefStore refs,
            DisputeStore disputes,
            Clawbacks clawbacks,
            MonthlyGrants months,
            Clock clock) {
        this.purchases = purchases;
        this.refs = refs;
        this.disputes = disputes;
        this.clawbacks = clawbacks;
        this.months = months;
        this.clock = clock;
    }

    /**
     * A dispute opened for {@code amountMinor} of the provider's {@code chargeMinor} (the tax-inclusive
     * total it is measured against; null: the purchase's own amount). A null amount disputes all.
     */
    public Outcome opened(
            String provider, String disputeId, List<String> chargeRefs, Long amountMinor, Long chargeMinor) {
        Optional<Purchase> found = lockByRefs(provider, chargeRefs);
        if (found.isEmpty()) {
            return new Outcome.Unprocessable("dispute " + disputeId + " names no known purchase " + chargeRefs);
        }
        Optional<DisputeStore.Dispute> existing = disputes.lock(provider, disputeId);
        if (existing.isPresent()) {
            return new Outcome.Processed(
                    "dispute " + disputeId + " already " + existing.get().status());
        }
        Purchase p = found.get();
        long share = share(p, amountMinor, chargeMinor);
        long taken = takeShare(p, provider, disputeId, share);
        record(provider, disputeId, p.id(), "OPEN", share, taken);
        purchases.markOpenDisputes(p.id());
        return new Outcome.Processed("dispute " + disputeId + " of " + share + "/" + p.amountMinor() + " "
                + p.currency() + ": " + taken + " credits clawed back");
    }

    /**
     * A closed dispute: won gives back what is clawed back and owed again (as far as the purchase is
     * entitled to it); lost keeps it taken, and takes it now if the dispute was never seen open.
     */
    public Outcome closed(
            String provider,
            String disputeId,
            List<String> chargeRefs,
            boolean won,
            Long amountMinor,
            Long chargeMinor) {
        Optional<Purchase> purchase = lockPurchase(provider, disputeId, chargeRefs);
        Optional<DisputeStore.Dispute> existing = disputes.lock(provider, disputeId);
        if (existing.isEmpty()) {
            return closedUnseen(provider, disputeId, chargeRefs, purchase, won, amountMinor, chargeMinor);
        }
        DisputeStore.Dispute d = existing.get();
        if (!"OPEN".equals(d.status())) {
            return new Outcome.Processed("dispute " + disputeId + " already " + d.status());
        }
        long purchaseId = purchase.map(Purchase::id)
                .orElseThrow(() -> new IllegalStateException("open dispute " + disputeId + " has no purchase"));
        disputes.close(provider, disputeId, won ? "WON" : "LOST");
        long back = 0;
        if (won) {
            purchases.addDisputed(purchaseId, -d.amountMinor());
            // A refund may have arrived or failed while the dispute was open: gives back what is owed now.
            back = clawbacks.giveBack(
                    purchases.lock(purchaseId),
                    provider + ":dispute-won:" + disputeId,
                    "dispute " + disputeId + " won",
                    clock.instant());
        }
        purchases.markOpenDisputes(purchaseId);
        long resumed = months.grant(purchaseId, clock.instant());
        String monthsNote = resumed > 0 ? ", " + resumed + " credits of months that started meanwhile" : "";
        return won
                ? new Outcome.Processed("dispute " + disputeId + " won: " + back + " credits given back" + monthsNote)
                : new Outcome.Processed(
                        "dispute " + disputeId + " lost: " + d.clawed() + " credits stay clawed back" + monthsNote);
    }

    /**
     * A dispute closed before its opening was processed (the opening may still be waiting on a
     * retry). Recording it makes the late opening a no-op, so a lost one must claw back here.
     */
    private Outcome closedUnseen(
            String provider,
            String disputeId,
            List<String> chargeRefs,
            Optional<Purchase> found,
            boolean won,
            Long amountMinor,
            Long chargeMinor) {
        if (won) {
            // Won before we saw it open: nothing was taken, nothing to give back.
            record(provider, disputeId, found.map(Purchase::id).orElse(null), "WON", 0, 0);
            return new Outcome.Processed("dispute " + disputeId + " closed (WON) before it was opened");
        }
        if (found.isEmpty()) {
            // Retried until the purchase is known, so the loss is never recorded without its clawback.
            return new Outcome.Unprocessable("lost dispute " + disputeId + " names no known purchase " + chargeRefs);
        }
        Purchase p = found.get();
        long share = share(p, amountMinor, chargeMinor);
        long taken = takeShare(p, provider, disputeId, share);
        record(provider, disputeId, p.id(), "LOST", share, taken);
        return new Outcome.Processed(
                "dispute " + disputeId + " lost before it was opened: " + taken + " credits clawed back");
    }

    /** The purchase named by the refs, else by the recorded dispute; locked before the dispute is. */
    private Optional<Purchase> lockPurchase(String provider, String disputeId, List<String> chargeRefs) {
        Optional<Purchase> byRefs = lockByRefs(provider, chargeRefs);
        if (byRefs.isPresent()) {
            return byRefs;
        }
        return disputes.find(provider, disputeId)
                .map(DisputeStore.Dispute::purchaseId)
                .filter(Objects::nonNull)
                .map(purchases::lock);
    }

    /** The purchase named by the first recorded of {@code chargeRefs}, locked until the transaction ends. */
    private Optional<Purchase> lockByRefs(String provider, List<String> chargeRefs) {
        return refs.purchaseOf(provider, chargeRefs).map(purchases::lock);
    }

    private long takeShare(Purchase p, String provider, String disputeId, long share) {
        purchases.addDisputed(p.id(), share);
        return clawbacks.rebalance(purchases.lock(p.id()), provider + ":dispute:" + disputeId, "dispute " + disputeId);
    }

    private void record(String provider, String disputeId, Long purchaseId, String status, long share, long taken) {
        if (!disputes.insert(provider, disputeId, purchaseId, status, share, taken, clock.instant())) {
            // Only possible when no purchase was locked (unknown to the closing): roll back; the retry sees it.
            throw new IllegalStateException("dispute " + disputeId + " was recorded concurrently; processing again");
        }
    }

    /** The dispute's share of the charge in the purchase's own amount; all of it when the provider gives none. */
    private static long share(Purchase p, Long amountMinor, Long chargeMinor) {
        if (amountMinor == null || amountMinor <= 0) {
            return p.amountMinor();
        }
        return Math.min(p.amountMinor(), p.inOwnAmount(amountMinor, chargeMinor));
    }
}
