package dev.renderbank.billing;

import dev.renderbank.billing.core.CheckoutGateway;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.billing.rewards.Rewards;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * Credits in: checkout at the configured payment provider, subscriptions, and the operators' view
 * of payment webhooks. Webhook processing itself lives behind {@code /api/webhooks/*}.
 */
@Service
public class Billing {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Billing.class);

    private final ProductCatalog catalog;
    private final Checkouts checkouts;
    private final SubscriptionStore subscriptions;
    private final SubscriptionStatusStore statuses;
    private final PaymentEventStore events;
    private final PurchaseStore purchases;
    private final Rewards rewards;
    private final Map<PaymentsProperties.Provider, CheckoutGateway> gateways;
    private final PaymentsProperties props;
    private final Clock clock;
    private final OnePlan onePlan;

    Billing(
            ProductCatalog catalog,
            Checkouts checkouts,
            SubscriptionStore subscriptions,
            SubscriptionStatusStore statuses,
            PaymentEventStore events,
            PurchaseStore purchases,
            Rewards rewards,
            List<CheckoutGateway> gateways,
            PaymentsProperties props,
            Clock clock,
            OnePlan onePlan) {
        this.onePlan = onePlan;
        this.catalog = catalog;
        this.checkouts = checkouts;
        this.subscriptions = subscriptions;
        this.statuses = statuses;
        this.events = events;
        this.purchases = purchases;
        this.rewards = rewards;
        this.gateways = gateways.stream().collect(Collectors.toMap(CheckoutGateway::mode, Function.identity()));
        this.props = props;
        this.clock = clock;
    }

    /** Packs and plans with prices, for the catalogue API. */
    public Collection<Product> products() {
        return catalog.all();
    }

    public PaymentsProperties.Provider provider() {
        return props.provider();
    }

    /**
     * Starts a checkout. With {@code idempotencyKey} (scoped to the user, kept 24 h) a repeat
     * returns the first answer; the provider is called outside any transaction. Only a new checkout
     * counts against the user's limit (a repeat calls no provider); a refused one is not kept, nor is
     * one that failed, so a retry of either is evaluated afresh. A repeat answers 409 only while the
     * first request may still be running ({@link Checkouts#ABANDONED_AFTER}). A new checkout for a
     * plan is refused while the user has a plan or a plan checkout open ({@link OnePlan}). Carried
     * out by {@link Checkouts}.
     */
    public CheckoutResult checkout(long userId, String productId, String idempotencyKey) {
        return checkouts.checkout(userId, productId, idempotencyKey);
    }

    /**
     * What would refuse a checkout for a plan now: the user's plan that has not ended, or a plan
     * checkout of theirs open and not paid (one plan at a time); empty when a plan can be bought.
     */
    public Optional<CheckoutResult.PlanRefusal> planRefusal(long userId) {
        return onePlan.refusal(userId, clock.instant());
    }

    public List<Subscription> subscriptions(long userId) {
        return subscriptions.forUser(userId);
    }

    /**
     * The user's cancel: at the provider (a plan the simulated checkout sold: locally, whatever the
     * provider now); no renewal, grants stop at the end of the paid period. Refused while the plan's
     * first payment is being processed ({@link CancelResult.PaymentPending}). A plan that is not running
     * (its end passed, or its status says it ended: {@link Subscription#runningAt}) has already ended,
     * and its provider is not asked ({@link CancelResult.AlreadyEnded}).
     */
    public CancelResult cancelSubscription(long userId, String subscriptionId) {
        return cancel(userId, subscriptionId, false);
    }

    /**
     * The cancel of a deleted account's plan: also one whose first payment is being processed (no
     * account is left to buy a second plan, and a debit that clears must not renew).
     */
    public CancelResult cancelSubscriptionOfDeletedAccount(long userId, String subscriptionId) {
        return cancel(userId, subscriptionId, true);
    }

    private CancelResult cancel(long userId, String subscriptionId, boolean accountDeleted) {
        Optional<Subscription> found = subscriptions.findForUser(userId, subscriptionId);
        if (found.isEmpty()) {
            return new CancelResult.NotFound(subscriptionId);
        }
        Subscription sub = found.get();
        Instant now = clock.instant();
        // ended by its end or by its status (payment_failed, canceled, incomplete_expired): nothing
        // renews, and the provider would refuse the cancel (Stripe: a cancelled subscription, as one
        // whose first payment failed is, UnpaidPlanCancels), so it is not asked
        if (!sub.runningAt(now)) {
            return new CancelResult.AlreadyEnded(sub);
        }
        // a session completed unpaid: a bank debit that may still clear (not Stripe's own incomplete, a
        // card declined in Checkout: that one can be cancelled, its checkout refuses a second plan a day)
        if (sub.paymentPending() && Subscription.PAYMENT_PENDING.equals(sub.status()) && !accountDeleted) {
            return new CancelResult.PaymentPending(sub);
        }
        try {
            gatewayOf(sub).ifPresent(g -> g.cancel(subscriptionId));
        } catch (CheckoutGateway.Unavailable e) {
            log.warn("Cancelling subscription {} failed: {}", subscriptionId, e.getMessage());
            return new CancelResult.ProviderUnavailable(e.getMessage());
        }
        // The paid period as recorded now, not as read before the provider was asked: a renewal
        // recorded meanwhile was paid for, and its time is kept.
        statuses.cancelAtPeriodEnd(sub.provider(), subscriptionId, now);
        return new CancelResult.Cancelled(subscriptions
                .find(sub.provider(), subscriptionId)
                .orElseThrow(() -> new IllegalStateException("subscription " + subscriptionId + " vanished")));
    }

    /**
     * The gateway of the provider the subscription was bought from, not the one new checkouts go to:
     * after a switch of provider the earlier one's subscriptions still renew there. Simulated payments
     * record their subscriptions in Creem's format (provider {@code creem}), so while payments are
     * simulated a Creem-recorded one is the simulated gateway's. A plan the simulated checkout sold
     * ({@link Subscription#simulated}) has nobody to tell whatever the provider now: the simulated
     * provider never renews, and Creem, asked after a switch, has no such subscription (404, or no API
     * key at all after a switch to Stripe), which made its cancel and its account's deletion fail for ever.
     */
    Optional<CheckoutGateway> gatewayOf(Subscription sub) {
        if (sub.simulated()) {
            return Optional.empty();
        }
        PaymentsProperties.Provider provider;
        try {
            provider = PaymentsProperties.Provider.valueOf(sub.provider().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("subscription " + sub.id() + " of unknown provider " + sub.provider(), e);
        }
        if (provider == PaymentsProperties.Provider.CREEM
                && props.provider() == PaymentsProperties.Provider.SIMULATED) {
            provider = PaymentsProperties.Provider.SIMULATED;
        }
        CheckoutGateway gateway = gateways.get(provider);
        if (gateway == null && provider != PaymentsProperties.Provider.SIMULATED) {
            throw new IllegalStateException("no gateway of payment provider " + provider);
        }
        return Optional.ofNullable(gateway);
    }

    /**
     * The user's purchases, newest first; {@code cursor} is the {@code nextCursor} of the page
     * before (null for the first page). Only the user's own rows are ever read.
     */
    public PurchasePage purchases(long userId, String cursor, int limit) {
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be between 1 and 100");
        }
        long before;
        try {
            before = cursor == null || cursor.isBlank() ? Long.MAX_VALUE : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor is not one this API returned");
        }
        if (before < 1) {
            // ids start at 1: a cursor of 0 or below was never handed out (it would read as "no more")
            throw new IllegalArgumentException("cursor is not one this API returned");
        }
        List<PurchaseRecord> rows = purchases.forUser(userId, before, limit + 1);
        if (rows.size() > limit) {
            return new PurchasePage(
                    List.copyOf(rows.subList(0, limit)),
                    Long.toString(rows.get(limit - 1).id()));
        }
        return new PurchasePage(rows, null);
    }

    /** The user's check-in streak, referral link and referral earnings, for the rewards page. */
    public RewardStatus rewards(long userId) {
        return rewards.status(userId);
    }

    /** Stored payment webhooks, newest first; {@code status} null for all. */
    public List<PaymentEvent> paymentEvents(String status, Long beforeId, int limit) {
        if (limit < 1 || limit > 200) {
            throw new IllegalArgumentException("limit must be between 1 and 200");
        }
        return events.list(status, beforeId == null ? Long.MAX_VALUE : beforeId, limit);
    }

    public Optional<String> paymentEventPayload(long id) {
        return events.payload(id);
    }
}
