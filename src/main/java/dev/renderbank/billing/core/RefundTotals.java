package dev.renderbank.billing.core;

import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.RefundStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Refunds of a provider that reports a charge's refunded total rather than each refund for good
 * (Stripe: a refund counted in {@code amount_refunded} can still fail or be canceled, and then the
 * total goes down). The total the provider reports now is the authority: each refund event, old or
 * new, moves the purchase's recorded refunded amount to it, up (claws back the fraction) or down
 * (gives back what the no-longer-refunded part took, grants a yearly plan's months that waited
 * while the refund left nothing to grant, and tops up a month it left granted short). A stale copy of an old event reads the same
 * current total, so it moves nothing.
 *
 * <p>The total is asked of the provider before the event's transaction opens ({@link #ask}): a slow
 * provider must hold no pooled connection, transaction or row lock. Each movement is recorded under
 * (charge, from, to, its sequence number for the purchase), and an answer is applied ({@link #sync},
 * under the purchase's lock) only if the purchase counts as many applied answers as when it was
 * asked, whether they moved its total or found it as recorded. An answer applied after that was
 * asked after this one's count was read, so it may be newer than this answer: this answer is
 * outdated and the provider is asked again ({@link Outcome.Outdated}). So the totals applied follow
 * the provider's own order (also when the newer answer moved nothing: a refund made and failed while
 * an older answer was on its way), and two events of one charge at the same moment move the
 * purchase, and claw back, once. A new refund of the same amount after a failed one is a new
 * movement, not a repeat of the old one.
 */
@Component
public class RefundTotals {

    /** A charge as the provider reports it now: its refunded total and its amount (tax included). */
    public record ChargeNow(long refundedMinor, Long amountMinor) {}

    /**
     * The charge as the provider reported it ({@code now}; empty: it has no such charge), asked when
     * purchase {@code purchaseId} counted {@code answers} applied answers.
     */
    public record Asked(long purchaseId, long answers, Optional<ChargeNow> now) {}

    private final PurchaseStore store;
    private final PurchaseChargeStore charges;
    private final PurchaseRefStore refs;
    private final RefundStore refunds;
    private final Clawbacks clawbacks;
    private final MonthlyGrants months;
    private final Clock clock;

    RefundTotals(
            PurchaseStore store,
            PurchaseChargeStore charges,
            PurchaseRefStore refs,
            RefundStore refunds,
            Clawbacks clawbacks,
            MonthlyGrants months,
            Clock clock) {
        this.store = store;
        this.charges = charges;
        this.refs = refs;
        this.refunds = refunds;
        this.clawbacks = clawbacks;
        this.months = months;
        this.clock = clock;
    }

    /**
     * Asks {@code now} for the charge's refunded total, with no transaction open (its reads of the
     * database are single statements): empty when {@code chargeRefs} name no purchase recorded here
     * ({@link #sync} says so), else the answer and how many answers the purchase counted before it
     * was asked.
     */
    public Optional<Asked> ask(String provider, List<String> chargeRefs, Supplier<Optional<ChargeNow>> now) {
        Optional<Long> purchase = refs.purchaseOf(provider, chargeRefs);
        if (purchase.isEmpty()) {
            return Optional.empty();
        }
        long answers = charges.refundAnswers(purchase.get());
        return Optional.of(new Asked(purchase.get(), answers, now.get()));
    }

    /**
     * Moves the purchase {@code chargeRefs} name to the charge's refunded total as {@code asked}
     * reports it ({@link #ask}, before this transaction), under the purchase's lock; {@link
     * Outcome.Outdated} when it was asked before the purchase was recorded or before another movement
     * of it was (the provider is asked again).
     */
    public Outcome sync(String provider, String chargeId, List<String> chargeRefs, Optional<Asked> asked) {
        Optional<Purchase> found = refs.purchaseOf(provider, chargeRefs).map(store::lock);
        if (found.isEmpty()) {
            return new Outcome.Unprocessable("refund of charge " + chargeId + " names no known purchase " + chargeRefs);
        }
        Purchase p = found.get();
        if (asked.isEmpty() || asked.get().purchaseId() != p.id()) {
            return new Outcome.Outdated("charge " + chargeId + ": its refunded total was not asked of " + provider
                    + " after purchase " + p.id() + " was recorded");
        }
        long answers = charges.refundAnswers(p.id());
        if (answers != asked.get().answers()) {
            return new Outcome.Outdated("charge " + chargeId + ": its refunded total was asked of " + provider
                    + " when " + asked.get().answers() + " answers were applied to purchase " + p.id()
                    + ", which has " + answers + " now");
        }
        Optional<ChargeNow> charge = asked.get().now();
        if (charge.isEmpty()) {
            return new Outcome.Unprocessable("charge " + chargeId + " is unknown to " + provider);
        }
        charges.countRefundAnswer(p.id());
        long movements = refunds.count(provider, p.id());
        long from = p.refundedMinor();
        long to = Math.min(
                p.amountMinor(),
                p.inOwnAmount(charge.get().refundedMinor(), charge.get().amountMinor()));
        if (to == from) {
            return new Outcome.Processed("charge " + chargeId + ": " + to + "/" + p.amountMinor() + " " + p.currency()
                    + " refunded, as recorded");
        }
        String movement = chargeId + ":" + from + ">" + to + "#" + (movements + 1);
        if (!refunds.insert(provider, movement, p.id(), to, clock.instant())) {
            // The purchase is locked and the sequence counts its rows: a taken key is a bug.
            throw new IllegalStateException("refund movement " + movement + " is already recorded");
        }
        charges.moveRefunded(p.id(), from, to);
        String key = provider + ":refund:" + movement;
        if (to > from) {
            long taken = clawbacks.rebalance(store.lock(p.id()), key, "refund of charge " + chargeId);
            return new Outcome.Processed("charge " + chargeId + ": " + to + "/" + p.amountMinor() + " " + p.currency()
                    + " refunded, " + taken + " credits clawed back");
        }
        long back = clawbacks.giveBack(
                store.lock(p.id()),
                key,
                reversed(provider, chargeId, p.id(), movements, from, to),
                "refund of charge " + chargeId + " failed or canceled",
                clock.instant());
        // A yearly plan's months that started while the refund left nothing to grant waited for this, and
        // a month granted short while it left too little gets its rest (MonthlyGrants' top-up).
        long resumed = months.grant(p.id(), clock.instant());
        String monthsNote = resumed > 0 ? ", " + resumed + " credits of months that started meanwhile" : "";
        return new Outcome.Processed("charge " + chargeId + ": refunded down to " + to + "/" + p.amountMinor() + " "
                + p.currency() + " (a refund failed or was canceled), " + back + " credits given back" + monthsNote);
    }

    /** A refund movement's id: {@code chargeId:from>to#number}. */
    private static final Pattern MOVEMENT = Pattern.compile("(.*):(\\d+)>(\\d+)#(\\d+)");

    /**
     * The clawbacks a fall of the refunded total from {@code from} to {@code to} reverses (the start
     * of their keys). When the movement just before it raised the total from at most {@code to} to
     * {@code from} (a refund, then its failure: the usual case), that refund's own clawbacks only, so
     * what an operator forgave of an earlier refund that stands stays forgiven; otherwise every
     * refund clawback of the purchase (the total alone cannot tell which refunds failed).
     */
    private String reversed(String provider, String chargeId, long purchaseId, long movements, long from, long to) {
        Optional<String> last = refunds.movement(provider, purchaseId, movements);
        if (last.isPresent()) {
            Matcher m = MOVEMENT.matcher(last.get());
            if (m.matches()
                    && m.group(1).equals(chargeId)
                    && Long.parseLong(m.group(3)) == from
                    && Long.parseLong(m.group(2)) <= to) {
                return provider + ":refund:" + last.get() + ":";
            }
        }
        return Clawbacks.refundClawbacks(provider);
    }
}
