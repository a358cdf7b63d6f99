package dev.renderbank.billing;

import dev.renderbank.platform.DurableEvent;

/**
 * Published durably in the transaction that ended a plan whose first payment never cleared (a bank
 * debit that bounced, or the subscription deleted at the provider before it was paid): the plan never
 * started and granted nothing. The notifications module tells the user once per subscription.
 */
public record PlanPaymentFailed(long userId, String product, String provider, String subscriptionId)
        implements DurableEvent {

    @Override
    public String key() {
        return "plan-payment-failed:" + provider + ":" + subscriptionId;
    }
}
