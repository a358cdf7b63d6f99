package dev.renderbank.billing.core;

import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.PurchaseStore;
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
 * <p>An inquiry (Stripe's {@code warning_*} statuses: the issuer asks before any chargeback) moves no
 * funds, so it takes nothing and months keep coming: it is recorded as {@code INQUIRY}. When it
 * becomes a chargeback (a chargeback status, or the funds withdrawn) its share is taken then, once:
 * every path that takes a share does so only for a dispute not recorded yet or still an inquiry, and
 * records it as taken in the same transaction. An inquiry that closes takes and gives nothing; one
 * lost before its escalation was seen takes its share at the loss.
 *
 * <p>Creem reports only a dispute's creation: an operator closes it as won or lost ({@link
 * #closeByOperator}), which applies exactly what a provider's closing applies.
 *
 * <p>Locks are taken in one order, the purchase and then the dispute, so an opening and a closing
 * processed at the same moment queue on the purchase, and the second re-reads what the first wrote.
 * Both are locked here, in the public methods, before anything changes; the endings ({@link
 * DisputeClosings}) and the share taken ({@link DisputeShares}) only lock again (to re-read) the
 * purchase already locked. All of it runs in the caller's transaction: none of the three opens one.
 */
@Component
public class Disputes {

    /** How a dispute ended at the provider: won or lost, or an inquiry closed without a chargeback. */
    public enum Ending {
        WON,
        LOST,
        INQUIRY_CLOSED
    }

    private final PurchaseStore purchases;
    private final PurchaseChargeStore charges;
    private final PurchaseRefStore refs;
    private final DisputeStore disputes;
    private final DisputeShares shares;
    private final DisputeClosings closings;

    Disputes(
            PurchaseStore purchases,
            PurchaseChargeStore charges,
            PurchaseRefStore refs,
            DisputeStore disputes,
            DisputeShares shares,
            DisputeClosings closings) {
        this.purchases = purchases;
        this.charges = charges;
        this.refs = refs;
        this.disputes = disputes;
        this.shares = shares;
        this.closings = closings;
    }

    /**
     * An inquiry: recorded (once) so operators see it and a later escalation or closing finds it,
     * and nothing is taken. An inquiry of a dispute already recorded changes nothing.
     */
    public Outcome inquiry(String provider, String disputeId, List<String> chargeRefs) {
        Optional<Purchase> found = lockByRefs(provider, chargeRefs);
        if (found.isEmpty()) {
            return new Outcome.Unprocessable("inquiry " + disputeId + " names no known purchase " + chargeRefs);
        }
        Optional<DisputeStore.Dispute> existing = disputes.lock(provider, disputeId);
        if (existing.isPresent()) {
            return new Outcome.Processed(
                    "dispute " + disputeId + " already " + existing.get().status());
        }
        shares.record(provider, disputeId, found.get().id(), "INQUIRY", 0, DisputeStore.OfCharge.NONE, 0);
        return new Outcome.Processed("inquiry " + disputeId + " recorded: no funds moved, no credits taken");
    }

    /**
     * A dispute opened (a chargeback: the funds are withdrawn) for {@code amountMinor} of the
     * provider's {@code chargeMinor} (the tax-inclusive total it is measured against; null: the
     * purchase's own amount). A null amount disputes all. An inquiry recorded before becomes this
     * dispute and its share is taken now; a dispute recorded open or closed changes nothing.
     */
    public Outcome opened(
            String provider, String disputeId, List<String> chargeRefs, Long amountMinor, Long chargeMinor) {
        Optional<Purchase> found = lockPurchase(provider, disputeId, chargeRefs);
        if (found.isEmpty()) {
            return new Outcome.Unprocessable("dispute " + disputeId + " names no known purchase " + chargeRefs);
        }
        Optional<DisputeStore.Dispute> existing = disputes.lock(provider, disputeId);
        if (existing.isPresent() && !"INQUIRY".equals(existing.get().status())) {
            return new Outcome.Processed(
                    "dispute " + disputeId + " already " + existing.get().status());
        }
        Optional<Purchase> paid = shares.paid(found.get(), disputeId, amountMinor, chargeMinor);
        if (paid.isEmpty()) {
            return DisputeShares.recordedAsPaidNothing(disputeId, found.get());
        }
        Purchase p = paid.get();
        long share = shares.share(provider, p, amountMinor, chargeMinor);
        long taken = shares.takeShare(p, provider, disputeId, share);
        if (existing.isPresent()) {
            disputes.escalate(
                    provider, disputeId, "OPEN", share, DisputeShares.ofCharge(amountMinor, chargeMinor), taken);
        } else {
            shares.record(
                    provider,
                    disputeId,
                    p.id(),
                    "OPEN",
                    share,
                    DisputeShares.ofCharge(amountMinor, chargeMinor),
                    taken);
        }
        charges.markOpenDisputes(p.id());
        String was = existing.isPresent() ? "inquiry " + disputeId + " became a dispute" : "dispute " + disputeId;
        return new Outcome.Processed(was + " of " + share + "/" + p.amountMinor() + " " + p.currency() + ": " + taken
                + " credits clawed back");
    }

    /**
     * A closed dispute: won gives back what is clawed back and owed again (as far as the purchase is
     * entitled to it); lost keeps it taken, and takes it now if the dispute was never seen open. An
     * inquiry that closes (or is won) took nothing and gives nothing back.
     */
    public Outcome closed(
            String provider,
            String disputeId,
            List<String> chargeRefs,
            Ending ending,
            Long amountMinor,
            Long chargeMinor) {
        Optional<Purchase> purchase = lockPurchase(provider, disputeId, chargeRefs);
        Optional<DisputeStore.Dispute> existing = disputes.lock(provider, disputeId);
        if (existing.isEmpty()) {
            return closings.closedUnseen(provider, disputeId, chargeRefs, purchase, ending, amountMinor, chargeMinor);
        }
        DisputeStore.Dispute d = existing.get();
        if ("INQUIRY".equals(d.status())) {
            return closings.inquiryClosed(provider, disputeId, purchase, ending, amountMinor, chargeMinor);
        }
        if (!"OPEN".equals(d.status())) {
            return new Outcome.Processed("dispute " + disputeId + " already " + d.status());
        }
        return closings.closeOpen(provider, disputeId, d, purchase, ending);
    }

    /** What an operator's closing of a dispute found and did. */
    public sealed interface ByOperator {
        /** It was open and is closed now; {@code result} says what came back or stays taken. */
        record Closed(long purchaseId, long clawed, String result) implements ByOperator {}

        /** It is not open (won, lost, an inquiry): nothing was done. */
        record NotOpen(String status) implements ByOperator {}

        /** No such dispute of this provider is recorded. */
        record Unknown() implements ByOperator {}
    }

    /**
     * An operator closes an open dispute the provider never reports closed (Creem sends only {@code
     * dispute.created}): won or lost, it does exactly what the provider's closing does ({@link
     * #closed}), under the same locks, in the caller's transaction. Only an OPEN dispute is closed, by
     * a compare-and-set on its status, so a second closing (or one at the same moment, which waits for
     * the purchase's lock) finds it closed and changes nothing.
     */
    public ByOperator closeByOperator(String provider, String disputeId, Ending ending) {
        if (ending == Ending.INQUIRY_CLOSED) {
            throw new IllegalArgumentException("an operator closes a dispute as won or lost");
        }
        Optional<Purchase> purchase = lockPurchase(provider, disputeId, List.of());
        Optional<DisputeStore.Dispute> existing = disputes.lock(provider, disputeId);
        if (existing.isEmpty()) {
            return new ByOperator.Unknown();
        }
        DisputeStore.Dispute d = existing.get();
        if (!"OPEN".equals(d.status())) {
            return new ByOperator.NotOpen(d.status());
        }
        Outcome.Processed done = closings.closeOpen(provider, disputeId, d, purchase, ending);
        return new ByOperator.Closed(d.purchaseId(), d.clawed(), done.note());
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
}
