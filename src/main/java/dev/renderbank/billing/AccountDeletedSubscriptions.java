package dev.renderbank.billing;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A deleted account pays for nothing more: each subscription not yet cancelled is cancelled at the
 * payment provider, among them one whose first payment is pending, and one whose first payment failed
 * while its cancel at the provider is not confirmed yet ({@link UnpaidPlanCancels}). Idempotent (a cancelled one has an end and is skipped); a provider that cannot be
 * reached makes the handler try again later. The purchases stay for the books; refunds and disputes
 * of them are recorded without clawing back (see {@code Clawbacks}), since nothing is left to take.
 * A subscription that shows up after this ran is cancelled by {@link SubscriptionsOfDeletedAccounts}.
 */
@Component
class AccountDeletedSubscriptions implements DurableEventHandler<AccountDeleted> {

    private static final Logger log = LoggerFactory.getLogger(AccountDeletedSubscriptions.class);

    private final Billing billing;
    private final UnpaidPlanCancels unpaidPlans;

    AccountDeletedSubscriptions(Billing billing, UnpaidPlanCancels unpaidPlans) {
        this.billing = billing;
        this.unpaidPlans = unpaidPlans;
    }

    @Override
    public String name() {
        return "billing.account-deleted";
    }

    @Override
    public Class<AccountDeleted> eventType() {
        return AccountDeleted.class;
    }

    @Override
    public void handle(AccountDeleted event) {
        for (Subscription sub : billing.subscriptions(event.userId())) {
            if (!sub.renews()) {
                // cancelled (it has an end) or ended: its provider would refuse, for ever. Unless its first
                // payment failed and its cancel is not confirmed yet: the provider may still charge it
                unpaidPlans.cancel(sub.provider(), sub.id());
                continue;
            }
            cancel(billing, sub);
        }
    }

    /** Cancels {@code sub} of a deleted account at its provider; throws (try again later) while it cannot. */
    static void cancel(Billing billing, Subscription sub) {
        CancelResult r = billing.cancelSubscriptionOfDeletedAccount(sub.userId(), sub.id());
        if (r instanceof CancelResult.ProviderUnavailable unavailable) {
            throw new IllegalStateException(
                    "subscription " + sub.id() + " could not be cancelled yet: " + unavailable.message());
        }
        log.info("account {} deleted: subscription {} {}", sub.userId(), sub.id(), r);
    }
}
