package dev.renderbank.ledger;

import dev.renderbank.platform.DurableEvent;

/**
 * Credits were added to a user's account by a grant its owner is told of: published durably by {@link
 * Ledger#grantAnnounced} in the grant's own transaction, only when that call granted them (never for
 * a repeat of the grant's key, nor for a grant forfeited on a closed account). The notifications module
 * sends it as the {@code credits.granted} webhook. {@code credits} is the whole grant (the part that
 * paid debt included); {@code occasion} is what the client is told it was for (e.g. {@code
 * subscription-month}, {@code signup-bonus}, {@code compensation}). Purchases are told by their own
 * event (the billing module's {@code PurchaseCompleted}), so their grants are never announced here.
 */
public record CreditsGranted(long userId, long credits, String grantKey, String occasion) implements DurableEvent {

    /** The grant's key: one event per grant, however often it is published or handled. */
    @Override
    public String key() {
        return "grant:" + grantKey;
    }
}
