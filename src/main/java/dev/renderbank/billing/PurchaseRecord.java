package dev.renderbank.billing;

import java.time.Instant;

/**
 * One of a user's purchases as the user sees it: a pack order or one paid period of a plan, what it
 * cost (integer minor units of {@code currency}) and what became of it. {@code disputed} is true while
 * a dispute is open; {@code disputedMinor} counts what open or lost disputes took back. {@code
 * amountMinor} is what the buyer was charged; {@code fromBalanceMinor} what their balance at the
 * payment provider paid of it besides (a Stripe period paid from money an earlier plan left there).
 */
public record PurchaseRecord(
        long id,
        String product,
        long credits,
        long amountMinor,
        String currency,
        long refundedMinor,
        long disputedMinor,
        boolean disputed,
        Instant createdAt,
        long fromBalanceMinor) {

    /** In one word: {@code paid}, {@code partially refunded}, {@code refunded}, {@code disputed} or {@code charged back}. */
    public String state() {
        if (disputed) {
            return "disputed";
        }
        if (amountMinor > 0 && refundedMinor >= amountMinor) {
            return "refunded";
        }
        if (refundedMinor > 0) {
            return "partially refunded";
        }
        if (disputedMinor > 0) {
            return "charged back";
        }
        return "paid";
    }
}
