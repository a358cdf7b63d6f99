package dev.renderbank.billing.core;

import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.RefundStore;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
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
 *
 * <p>Over this code base's usual ~300 lines on purpose: opening, escalation, loss and win share one
 * lock order and one running total; split, the argument that no path takes a share twice would span files.
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
    private final RefundStore refunds;
    private final Clawbacks clawbacks;
    private final MonthlyGrants months;
    private final OperatorAlerts alerts;
    private final Clock clock;

    Disputes(
            PurchaseStore purchases,
            PurchaseChargeStore charges,
            PurchaseRefStore refs,
            DisputeStore disputes,
            RefundStore refunds,
            Clawbacks clawbacks,
            MonthlyGrants months,
            OperatorAlerts alerts,
            Clock clock) {
        this.purchases = purchases;
        this.charges = charges;
        this.refs = refs;
        this.disputes = disputes;
        this.refunds = refunds;
        this.clawbacks = clawbacks;
        this.months = months;
        this.alerts = alerts;
        this.clock = clock;
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
        record(provider, disputeId, found.get().id(), "INQUIRY", 0, DisputeStore.OfCharge.NONE, 0);
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
        Optional<Purchase> paid = paid(found.get(), disputeId, amountMinor, chargeMinor);
        if (paid.isEmpty()) {
            return recordedAsPaidNothing(disputeId, found.get());
        }
        Purchase p = paid.get();
        long share = share(provider, p, amountMinor, chargeMinor);
        long taken = takeShare(p, provider, disputeId, share);
        if (existing.isPresent()) {
            disputes.escalate(provider, disputeId, "OPEN", share, ofCharge(amountMinor, chargeMinor), taken);
        } else {
            record(provider, disputeId, p.id(), "OPEN", share, ofCharge(amountMinor, chargeMinor), taken);
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
            return closedUnseen(provider, disputeId, chargeRefs, purchase, ending, amountMinor, chargeMinor);
        }
        DisputeStore.Dispute d = existing.get();
        if ("INQUIRY".equals(d.status())) {
            return inquiryClosed(provider, disputeId, purchase, ending, amountMinor, chargeMinor);
        }
        if (!"OPEN".equals(d.status())) {
            return new Outcome.Processed("dispute " + disputeId + " already " + d.status());
        }
        return closeOpen(provider, disputeId, d, purchase, ending);
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
        Outcome.Processed done = closeOpen(provider, disputeId, d, purchase, ending);
        return new ByOperator.Closed(d.purchaseId(), d.clawed(), done.note());
    }

    /**
     * Closes the locked OPEN dispute {@code d} of the locked {@code purchase}: won gives back what is
     * clawed back and owed again, lost keeps it taken; either way the months that waited are granted.
     */
    private Outcome.Processed closeOpen(
            String provider, String disputeId, DisputeStore.Dispute d, Optional<Purchase> purchase, Ending ending) {
        boolean won = ending != Ending.LOST;
        long purchaseId = purchase.map(Purchase::id)
                .orElseThrow(() -> new IllegalStateException("open dispute " + disputeId + " has no purchase"));
        // INQUIRY_CLOSED: an inquiry recorded OPEN before inquiries were told apart; its share comes back
        disputes.close(provider, disputeId, ending.name());
        long back = 0;
        if (won) {
            charges.addDisputed(purchaseId, -d.amountMinor());
            // A refund may have arrived or failed while the dispute was open: gives back what is owed now.
            back = clawbacks.giveBack(
                    purchases.lock(purchaseId),
                    provider + ":dispute-won:" + disputeId,
                    Clawbacks.disputeClawbacks(provider, disputeId),
                    "dispute " + disputeId + " won",
                    clock.instant());
        }
        charges.markOpenDisputes(purchaseId);
        long resumed = months.grant(purchaseId, clock.instant());
        String monthsNote = resumed > 0 ? ", " + resumed + " credits of months that started meanwhile" : "";
        return won
                ? new Outcome.Processed("dispute " + disputeId + " won: " + back + " credits given back" + monthsNote)
                : new Outcome.Processed(
                        "dispute " + disputeId + " lost: " + d.clawed() + " credits stay clawed back" + monthsNote);
    }

    /**
     * A recorded inquiry that ended: closed or won, nothing was taken and nothing is given back
     * (funds that moved in between came back); lost, it became a chargeback whose opening was not
     * seen, so its share is taken now, once.
     */
    private Outcome inquiryClosed(
            String provider,
            String disputeId,
            Optional<Purchase> purchase,
            Ending ending,
            Long amountMinor,
            Long chargeMinor) {
        if (ending != Ending.LOST) {
            disputes.closeInquiry(provider, disputeId, ending.name());
            return new Outcome.Processed(
                    "inquiry " + disputeId + " ended " + ending + ": nothing was taken, nothing to give back");
        }
        Purchase recorded =
                purchase.orElseThrow(() -> new IllegalStateException("inquiry " + disputeId + " has no purchase"));
        Optional<Purchase> paid = paid(recorded, disputeId, amountMinor, chargeMinor);
        if (paid.isEmpty()) {
            return recordedAsPaidNothing(disputeId, recorded);
        }
        Purchase p = paid.get();
        long share = share(provider, p, amountMinor, chargeMinor);
        long taken = takeShare(p, provider, disputeId, share);
        disputes.escalate(provider, disputeId, "LOST", share, ofCharge(amountMinor, chargeMinor), taken);
        return new Outcome.Processed(
                "inquiry " + disputeId + " lost as a chargeback: " + taken + " credits clawed back");
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
            Ending ending,
            Long amountMinor,
            Long chargeMinor) {
        if (ending != Ending.LOST) {
            // Won or an inquiry closed before we saw it open: nothing was taken, nothing to give back.
            record(
                    provider,
                    disputeId,
                    found.map(Purchase::id).orElse(null),
                    ending.name(),
                    0,
                    DisputeStore.OfCharge.NONE,
                    0);
            return new Outcome.Processed("dispute " + disputeId + " closed (" + ending + ") before it was opened");
        }
        if (found.isEmpty()) {
            // Retried until the purchase is known, so the loss is never recorded without its clawback.
            return new Outcome.Unprocessable("lost dispute " + disputeId + " names no known purchase " + chargeRefs);
        }
        Optional<Purchase> paid = paid(found.get(), disputeId, amountMinor, chargeMinor);
        if (paid.isEmpty()) {
            return recordedAsPaidNothing(disputeId, found.get());
        }
        Purchase p = paid.get();
        long share = share(provider, p, amountMinor, chargeMinor);
        long taken = takeShare(p, provider, disputeId, share);
        record(provider, disputeId, p.id(), "LOST", share, ofCharge(amountMinor, chargeMinor), taken);
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
        charges.addDisputed(p.id(), share);
        return clawbacks.rebalance(purchases.lock(p.id()), provider + ":dispute:" + disputeId, "dispute " + disputeId);
    }

    private void record(
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
    private Optional<Purchase> paid(Purchase p, String disputeId, Long amountMinor, Long chargeMinor) {
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

    private static Outcome recordedAsPaidNothing(String disputeId, Purchase p) {
        return new Outcome.Unprocessable("dispute " + disputeId + " of purchase " + p.key()
                + ", recorded as paid nothing, does not say what its charge paid");
    }

    /**
     * The dispute's share in the purchase's own amount (all of it when the provider states no
     * amount): the step it adds to what the charge's recorded refunds and disputes holding funds took
     * back of it, so refunds and chargebacks that together take back the whole charge, in any order,
     * take back the whole purchase (each converted and rounded down alone could leave a credit).
     */
    private long share(String provider, Purchase p, Long amountMinor, Long chargeMinor) {
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
    private static DisputeStore.OfCharge ofCharge(Long amountMinor, Long chargeMinor) {
        if (chargeMinor == null || chargeMinor <= 0) {
            return DisputeStore.OfCharge.NONE;
        }
        return new DisputeStore.OfCharge(
                amountMinor == null || amountMinor <= 0 ? chargeMinor : amountMinor, chargeMinor);
    }
}
