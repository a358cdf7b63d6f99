package dev.renderbank.billing.core;

import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.platform.DurableEvents;
import org.springframework.stereotype.Component;

/**
 * A deleted account pays for nothing more, also when its subscription shows up after the deletion:
 * the deletion cancels the subscriptions recorded when its handler runs, and a plan whose webhooks
 * came late (or failed their first attempt), a plan checkout paid in another tab after the deletion,
 * or a cancellation undone at the provider afterwards would otherwise renew every period, each
 * period's credits forfeited. Called in the transaction that records a subscription's status or a
 * paid period: when the subscription has no end and its account is deleted, its cancellation at the
 * provider is queued, after commit. A deletion under way is waited for ({@link
 * AccountDeletion#keepUndeletedUntilCommit}), and its own handler then sees this subscription.
 */
@Component
public class DeletedAccountRenewals {

    private final SubscriptionStore subscriptions;
    private final AccountDeletion accounts;
    private final DurableEvents events;

    DeletedAccountRenewals(SubscriptionStore subscriptions, AccountDeletion accounts, DurableEvents events) {
        this.subscriptions = subscriptions;
        this.accounts = accounts;
        this.events = events;
    }

    /** After {@code subscriptionId}'s status or payment was recorded, in that transaction. */
    public void stopIfDeleted(String provider, String subscriptionId) {
        subscriptions
                .find(provider, subscriptionId)
                .filter(Subscription::renews)
                .filter(s -> !accounts.keepUndeletedUntilCommit(s.userId()))
                .ifPresent(s -> events.publish(new SubscriptionOfDeletedAccount(s.userId(), provider, subscriptionId)));
    }
}
