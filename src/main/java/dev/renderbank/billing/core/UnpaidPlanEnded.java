package dev.renderbank.billing.core;

import dev.renderbank.platform.DurableEvent;

/**
 * Published durably in the transaction that ended a plan as {@code payment_failed} (its first payment
 * failed): its handler cancels the subscription at its provider, after that transaction committed and
 * outside any, retried until the provider confirms it (or says it had already ended). Without it the
 * provider may keep the subscription and collect a retry later, renewing a plan ended here.
 */
public record UnpaidPlanEnded(long userId, String provider, String subscriptionId) implements DurableEvent {

    @Override
    public String key() {
        return "unpaid-plan-ended:" + provider + ":" + subscriptionId;
    }
}
