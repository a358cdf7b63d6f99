package dev.renderbank.billing;

import dev.renderbank.platform.DurableEvent;

/**
 * Published durably in the transaction that granted a purchase (a pack, or a subscription period's first
 * month); the notifications module sends the confirmation email. {@code reference} is the
 * purchase's own key, one per pack order or paid period (a pack's is also its ledger grant key).
 * {@code renewal}: a subscription period after the subscription's first (a renewal notice, not a
 * first receipt); false for packs and first periods, and in events stored before it existed.
 * {@code planChange}: a later period on another plan than the one before it (a switch at the
 * provider; told as a plan change, not a renewal); its {@code credits} may be 0, when the old plan's
 * unused time already paid for the new plan's first month. False in events stored before it existed.
 * {@code amountMinor} is what the buyer was charged; {@code fromBalanceMinor} what the customer's
 * balance at the payment provider paid of it besides (a Stripe invoice paid wholly or partly from
 * money an earlier plan left there), so the receipt can say so; 0 in events stored before it existed.
 */
public record PurchaseCompleted(
        long userId,
        String product,
        long credits,
        long amountMinor,
        String currency,
        String reference,
        Boolean renewal,
        Boolean planChange,
        Long fromBalanceMinor)
        implements DurableEvent {

    /** Wrappers so that events stored without the fields (before they existed) still read: as false, 0. */
    public PurchaseCompleted {
        renewal = Boolean.TRUE.equals(renewal);
        planChange = Boolean.TRUE.equals(planChange);
        fromBalanceMinor = fromBalanceMinor == null ? 0L : fromBalanceMinor;
    }

    public PurchaseCompleted(
            long userId, String product, long credits, long amountMinor, String currency, String reference) {
        this(userId, product, credits, amountMinor, currency, reference, false, false, 0L);
    }

    public PurchaseCompleted(
            long userId,
            String product,
            long credits,
            long amountMinor,
            String currency,
            String reference,
            Boolean renewal) {
        this(userId, product, credits, amountMinor, currency, reference, renewal, false, 0L);
    }

    public PurchaseCompleted(
            long userId,
            String product,
            long credits,
            long amountMinor,
            String currency,
            String reference,
            Boolean renewal,
            Boolean planChange) {
        this(userId, product, credits, amountMinor, currency, reference, renewal, planChange, 0L);
    }

    @Override
    public String key() {
        return "purchase:" + reference;
    }
}
