package dev.renderbank.billing;

import dev.renderbank.billing.core.SubscriptionOfDeletedAccount;
import dev.renderbank.platform.DurableEventHandler;
import org.springframework.stereotype.Component;

/**
 * Cancels at its provider a subscription of a deleted account that was recorded, paid or resumed
 * after the deletion's own cancellation ran ({@code DeletedAccountRenewals}). Idempotent: one that has
 * an end by now (cancelled meanwhile, or by an earlier run) is left alone; a provider that cannot be
 * reached makes the handler try again later.
 */
@Component
class SubscriptionsOfDeletedAccounts implements DurableEventHandler<SubscriptionOfDeletedAccount> {

    private final Billing billing;

    SubscriptionsOfDeletedAccounts(Billing billing) {
        this.billing = billing;
    }

    @Override
    public String name() {
        return "billing.subscription-of-deleted-account";
    }

    @Override
    public Class<SubscriptionOfDeletedAccount> eventType() {
        return SubscriptionOfDeletedAccount.class;
    }

    @Override
    public void handle(SubscriptionOfDeletedAccount event) {
        billing.subscriptions(event.userId()).stream()
                .filter(s -> s.provider().equals(event.provider()) && s.id().equals(event.subscriptionId()))
                .filter(Subscription::renews)
                .forEach(s -> AccountDeletedSubscriptions.cancel(billing, s));
    }
}
