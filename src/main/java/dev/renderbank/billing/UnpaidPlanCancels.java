package dev.renderbank.billing;

import dev.renderbank.billing.core.UnpaidPlanEnded;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A plan ended because its first payment failed ({@link Subscription#PAYMENT_FAILED}) is cancelled
 * at its provider, at once: Stripe may otherwise keep the subscription ({@code incomplete}, {@code
 * past_due}), collect a retry days later and renew it, beside a plan the user bought since. Run after
 * the transaction that ended it committed ({@link UnpaidPlanEnded}), never inside one; a provider that
 * cannot be reached makes the handler try again later (with backoff, alerting when it keeps failing).
 * Idempotent: once the provider confirmed the cancel, or answered that the subscription had already
 * ended or does not exist, nothing is asked again. An account deletion asks the same ({@link
 * AccountDeletedSubscriptions}) for a cancel not confirmed yet.
 */
@Component
class UnpaidPlanCancels implements DurableEventHandler<UnpaidPlanEnded> {

    private static final Logger log = LoggerFactory.getLogger(UnpaidPlanCancels.class);

    private final Billing billing;
    private final SubscriptionStore subscriptions;
    private final SubscriptionStatusStore statuses;

    UnpaidPlanCancels(Billing billing, SubscriptionStore subscriptions, SubscriptionStatusStore statuses) {
        this.billing = billing;
        this.subscriptions = subscriptions;
        this.statuses = statuses;
    }

    @Override
    public String name() {
        return "billing.unpaid-plan-cancel";
    }

    @Override
    public Class<UnpaidPlanEnded> eventType() {
        return UnpaidPlanEnded.class;
    }

    @Override
    public void handle(UnpaidPlanEnded event) {
        cancel(event.provider(), event.subscriptionId());
    }

    /**
     * Cancels {@code id} at {@code provider} if its cancel is due (its first payment failed and the
     * provider has not confirmed it yet); nothing otherwise. Throws while the provider cannot be reached
     * or refuses ({@code CheckoutGateway.Unavailable}): the caller tries again later.
     */
    void cancel(String provider, String id) {
        if (!statuses.unpaidCancelDue(provider, id)) {
            return;
        }
        Subscription sub = subscriptions
                .find(provider, id)
                .orElseThrow(() -> new IllegalStateException("subscription " + id + " vanished"));
        billing.gatewayOf(sub).ifPresent(g -> g.cancelUnpaid(id));
        statuses.unpaidCancelConfirmed(provider, id);
        log.info(
                "subscription {} ({}) of user {}, whose first payment failed, is cancelled at its provider",
                id,
                provider,
                sub.userId());
    }
}
