package dev.renderbank.billing;

import dev.renderbank.platform.DurableEvent;

/**
 * Published durably in the transaction that took credits back from a purchase after a refund or a
 * dispute; the notifications module tells the user. {@code clawedTotal} is the purchase's clawed-back
 * total after this step: it only grows, so it names each clawback of a purchase once (a replayed
 * refund takes nothing back and publishes nothing).
 */
public record CreditsClawedBack(
        long userId, long purchaseId, String product, long credits, String reason, long clawedTotal)
        implements DurableEvent {

    @Override
    public String key() {
        return "clawback:" + purchaseId + ":" + clawedTotal;
    }
}
