package dev.renderbank.billing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Set;

/**
 * A user's subscription at a payment provider. {@code status} is the provider's word (active,
 * canceled, paused, expired …), or renderbank's for a first payment not made yet: {@link
 * #PAYMENT_PENDING} (a Stripe Checkout Session completed {@code unpaid}: a delayed method such as SEPA
 * Direct Debit or ACH) and {@link #PAYMENT_FAILED} (that payment failed: the plan never started); {@code periodEnd} the end of its latest paid period; {@code endsAt}
 * when the subscription ends (no renewal after it; set by a cancellation, or by the provider's
 * deletion at once, {@code endedAtOnce}). What is already paid for and still to come may run past
 * {@code endsAt}: a yearly period paid with money grants each of its months (credits follow money), so
 * {@code monthlyCredits} (a month of the latest period), {@code creditsToCome} (the credits of its
 * months not granted yet, after refunds and disputes), {@code nextCreditsAt} and {@code lastCreditsAt}
 * (when the next and the last of those months start; null when none is to come) say what the user
 * keeps getting and until when. {@code priceMinor} and {@code currency}: the plan's price as the latest
 * period was sold (the checkout's offer, or the catalogue's of the day it was paid); null when not
 * recorded (periods paid before it was) or no period is. Not part of the API's answer.
 */
public record Subscription(
        String provider,
        String id,
        long userId,
        String product,
        String status,
        Instant periodEnd,
        Instant endsAt,
        boolean endedAtOnce,
        long monthlyCredits,
        long creditsToCome,
        Instant nextCreditsAt,
        Instant lastCreditsAt,
        @JsonIgnore Long priceMinor,
        @JsonIgnore String currency) {

    /**
     * How the simulated checkout names the plans it sells ({@code sim_sub_<checkout id>}, recorded as
     * Creem's since the first version). Real Creem subscription ids never start so (Creem's carry its
     * own {@code sub_} prefix), as real Creem event ids never start with the simulated {@code sim_evt_}
     * (migration V2026_11_30_1001 tells the simulated checkout's stored events apart by that).
     */
    public static final String SIMULATED_ID_PREFIX = "sim_sub_";

    /**
     * Its checkout completed before its first payment cleared (a bank debit takes days): not the user's
     * active plan yet, no credits until the first period is paid, and still the one plan a user may
     * have at a time (both could end up paid).
     */
    public static final String PAYMENT_PENDING = "payment_pending";

    /**
     * Its first payment failed: it never started and grants nothing; a plan can be bought again. It is
     * cancelled at its provider ({@code UnpaidPlanCancels}); a payment the provider collects for it
     * after all grants that period without reviving it ({@code canceled}, ending with that period).
     */
    public static final String PAYMENT_FAILED = "payment_failed";

    /** Statuses that mean ended when no end is recorded: Stripe's first payment never made, a cancellation. */
    private static final Set<String> ENDED_WITHOUT_END = Set.of("canceled", "incomplete_expired", PAYMENT_FAILED);

    /** Statuses of a subscription whose first payment is not made yet (Stripe's own word: incomplete). */
    private static final Set<String> FIRST_PAYMENT_DUE = Set.of(PAYMENT_PENDING, "incomplete");

    /**
     * Not ended at {@code now}: its end ({@code endsAt}, set by a cancellation or the provider's
     * deletion) is later, or none is recorded and its status does not say it ended. A plan that is
     * paused, past due or unpaid may recover and still runs; so does one cancelled whose paid period
     * has not ended. Only one plan at a time may run: a plan checkout is refused while one does.
     */
    public boolean runningAt(Instant now) {
        if (endsAt != null) {
            return endsAt.isAfter(now);
        }
        return !ENDED_WITHOUT_END.contains(status);
    }

    /**
     * Its first payment has not cleared: no period of it is paid and its status says the payment is
     * pending ({@link #PAYMENT_PENDING}, or Stripe's {@code incomplete}). Shown as "payment pending",
     * never as the user's active plan; it still refuses a second plan ({@link #runningAt}).
     */
    public boolean paymentPending() {
        return periodEnd == null && FIRST_PAYMENT_DUE.contains(status);
    }

    /**
     * Set to renew: no end recorded, and its status does not say it ended. A subscription of a deleted
     * account that renews is cancelled at its provider; one that does not is left alone (its provider
     * refuses to cancel an ended one, and asking again would fail for ever), except one whose first
     * payment failed while its cancel at the provider is not confirmed ({@code UnpaidPlanCancels}).
     */
    public boolean renews() {
        return endsAt == null && !ENDED_WITHOUT_END.contains(status);
    }

    /**
     * Sold by the simulated checkout (recorded as Creem's, {@link #SIMULATED_ID_PREFIX}): no provider
     * renews or charges it, and no real provider knows it, whichever provider payments go to now. It is
     * cancelled here alone, and a real provider is never asked about it.
     */
    public boolean simulated() {
        return "creem".equals(provider) && id.startsWith(SIMULATED_ID_PREFIX);
    }
}
