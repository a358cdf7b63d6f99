package dev.renderbank.billing.core;

import dev.renderbank.billing.core.Disputes.Ending;
import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.PurchaseStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * How a dispute ends ({@link Disputes#closed}, {@link Disputes#closeByOperator}): an open one won or
 * lost, a recorded inquiry that closed or was lost, and one closed before its opening was seen. Each
 * is handed the purchase and the dispute {@link Disputes} locked, in that order, in the caller's
 * transaction; a share it takes is measured and taken by {@link DisputeShares}.
 */
@Component
class DisputeClosings {

    private final PurchaseStore purchases;
    private final PurchaseChargeStore charges;
    private final DisputeStore disputes;
    private final Clawbacks clawbacks;
    private final MonthlyGrants months;
    private final DisputeShares shares;
    private final Clock clock;

    DisputeClosings(
            PurchaseStore purchases,
            PurchaseChargeStore charges,
            DisputeStore disputes,
            Clawbacks clawbacks,
            MonthlyGrants months,
            DisputeShares shares,
            Clock clock) {
        this.purchases = purchases;
        this.charges = charges;
        this.disputes = disputes;
        this.clawbacks = clawbacks;
        this.months = months;
        this.shares = shares;
        this.clock = clock;
    }

    /**
     * Closes the locked OPEN dispute {@code d} of the locked {@code purchase}: won gives back what is
     * clawed back and owed again, lost keeps it taken; either way the months that waited are granted.
     */
    Outcome.Processed closeOpen(
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
    Outcome inquiryClosed(
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
        Optional<Purchase> paid = shares.paid(recorded, disputeId, amountMinor, chargeMinor);
        if (paid.isEmpty()) {
            return DisputeShares.recordedAsPaidNothing(disputeId, recorded);
        }
        Purchase p = paid.get();
        long share = shares.share(provider, p, amountMinor, chargeMinor);
        long taken = shares.takeShare(p, provider, disputeId, share);
        disputes.escalate(provider, disputeId, "LOST", share, DisputeShares.ofCharge(amountMinor, chargeMinor), taken);
        return new Outcome.Processed(
                "inquiry " + disputeId + " lost as a chargeback: " + taken + " credits clawed back");
    }

    /**
     * A dispute closed before its opening was processed (the opening may still be waiting on a
     * retry). Recording it makes the late opening a no-op, so a lost one must claw back here.
     */
    Outcome closedUnseen(
            String provider,
            String disputeId,
            List<String> chargeRefs,
            Optional<Purchase> found,
            Ending ending,
            Long amountMinor,
            Long chargeMinor) {
        if (ending != Ending.LOST) {
            // Won or an inquiry closed before we saw it open: nothing was taken, nothing to give back.
            shares.record(
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
        Optional<Purchase> paid = shares.paid(found.get(), disputeId, amountMinor, chargeMinor);
        if (paid.isEmpty()) {
            return DisputeShares.recordedAsPaidNothing(disputeId, found.get());
        }
        Purchase p = paid.get();
        long share = shares.share(provider, p, amountMinor, chargeMinor);
        long taken = shares.takeShare(p, provider, disputeId, share);
        shares.record(
                provider, disputeId, p.id(), "LOST", share, DisputeShares.ofCharge(amountMinor, chargeMinor), taken);
        return new Outcome.Processed(
                "dispute " + disputeId + " lost before it was opened: " + taken + " credits clawed back");
    }
}
