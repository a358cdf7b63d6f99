package dev.renderbank.billing;

import dev.renderbank.platform.DurableEvent;

/**
 * Published durably in the transaction that granted a purchase (a pack, or a subscription period's first
 * month); the notifications module sends the confirmation email. {@code reference} is the
 * purchase's own key, one per pack order or paid period (a pack's is also its ledger grant key).
 */
public record PurchaseCompleted(
        long userId, String product, long credits, long amountMinor, String currency, String reference)
        implements DurableEvent {

    @Override
    public String key() {
        return "purchase:" + reference;
    }
}
