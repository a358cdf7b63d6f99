package dev.renderbank.billing.core;

import dev.renderbank.platform.DurableEvent;

/**
 * A subscription of a deleted account is set to renew: recorded, paid or resumed after the deletion's
 * own cancellation ran ({@link DeletedAccountRenewals}). Its handler cancels it at its provider.
 */
public record SubscriptionOfDeletedAccount(long userId, String provider, String subscriptionId)
        implements DurableEvent {

    @Override
    public String key() {
        return "subscription-of-deleted-account:" + provider + ":" + subscriptionId;
    }
}
