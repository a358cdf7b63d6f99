package dev.renderbank.billing;

import dev.renderbank.billing.core.CheckoutContentSources;
import dev.renderbank.billing.core.CheckoutGateway;
import dev.renderbank.billing.db.CheckoutRateStore;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.Users;
import dev.renderbank.platform.Idempotency;
import dev.renderbank.platform.PublicUrl;
import dev.renderbank.platform.Switches;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
    private final CheckoutStore checkouts;
    private final CheckoutRateStore checkoutRate;
    private final SubscriptionStore subscriptions;
    private final SubscriptionStatusStore statuses;
    private final PaymentEventStore events;
    private final PurchaseStore purchases;
    private final Rewards rewards;
    private final Map<PaymentsProperties.Provider, CheckoutGateway> gateways;
    private final PaymentsProperties props;
    private final CheckoutLimitProperties limit;
    private final Users users;
    private final Clock clock;
    private final PublicUrl publicUrl;
    private final Switches switches;
    private final CheckoutContentSources checkoutOrigins;
    private final OnePlan onePlan;

    Billing(
            ProductCatalog catalog,
            CheckoutStore checkouts,
            CheckoutRateStore checkoutRate,
            SubscriptionStore subscriptions,
            SubscriptionStatusStore statuses,
            PaymentEventStore events,
            PurchaseStore purchases,
            Rewards rewards,
            List<CheckoutGateway> gateways,
            PaymentsProperties props,
            CheckoutLimitProperties limit,
            Users users,
            Clock clock,
            PublicUrl publicUrl,
            Switches switches,
            CheckoutContentSources checkoutOrigins,
            OnePlan onePlan) {
        this.onePlan = onePlan;
        this.switches = switches;
        this.checkoutOrigins = checkoutOrigins;
        this.catalog = catalog;
        this.checkouts = checkouts;
        this.checkoutRate = checkoutRate;
        this.subscriptions = subscriptions;
        this.statuses = statuses;
        this.events = events;
        this.purchases = purchases;
        this.rewards = rewards;
        this.gateways = gateways.stream().collect(Collectors.toMap(CheckoutGateway::mode, Function.identity()));
        this.props = props;
        this.limit = limit;
        this.users = users;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    /** Packs and plans with prices, for the catalogue API. */
    public Collection<Product> products() {
        return catalog.all();
    }

    public PaymentsProperties.Provider provider() {
        return props.provider();
    }

    /**
     * How long a checkout may stay PENDING (its key taken, no provider URL yet) before it is taken
     * for a request that died (its node stopped): longer than a checkout request can run, whose one
     * provider call is at most two attempts of 5 s to connect and 20 s to read (Stripe, with its
     * backoff between them, under a minute).
     */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(90);

    /**
     * Starts a checkout. With {@code idempotencyKey} (scoped to the user, kept 24 h) a repeat
     * returns the first answer; the provider is called outside any transaction. Only a new checkout
     * counts against the user's limit (a repeat calls no provider); a refused one is not kept, nor is
     * one that failed, so a retry of either is evaluated afresh. A repeat answers 409 only while the
     * first request may still be running ({@link #ABANDONED_AFTER}). A new checkout for a plan is
     * refused while the user has a plan or a plan checkout open ({@link OnePlan}).
     */
    public CheckoutResult checkout(long userId, String productId, String idempotencyKey) {
        Optional<Product> product = catalog.product(productId);
        if (product.isEmpty()) {
            return new CheckoutResult.UnknownProduct(productId);
        }
        Instant now = clock.instant();
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey;
        if (key != null && key.length() > 200) {
            throw new IllegalArgumentException("Idempotency-Key must be at most 200 characters");
        }
        Optional<Switches.Switch> paused = switches.paused(Switches.SALES);
        if (paused.isPresent()) {
            // a repeat of a checkout opened before the pause answers as the first did (its link was
            // handed out already: the client only lost the answer); nothing new is started
            return Optional.ofNullable(key)
                    .flatMap(k -> checkouts.byIdempotencyKey(userId, k))
                    .filter(earlier -> earlier.url() != null
                            && earlier.product().equals(productId)
                            && !earlier.createdAt().isBefore(now.minus(Idempotency.WINDOW)))
                    .<CheckoutResult>map(
                            earlier -> new CheckoutResult.Created(earlier.id(), earlier.url(), earlier.product(), true))
                    .orElseGet(() -> new CheckoutResult.SalesPaused(
                            paused.get().message(), paused.get().retryAfter()));
        }
        String id = "chk_" + UUID.randomUUID().toString().replace("-", "");
        if (key != null) {
            checkouts.expireKey(userId, key, now.minus(Idempotency.WINDOW));
        }
        String provider = props.provider().name().toLowerCase();
        OnePlan.Take take = onePlan.insertPending(id, userId, product.get(), provider, key, now);
        if (!take.taken() && key != null && checkouts.deleteAbandoned(userId, key, now.minus(ABANDONED_AFTER))) {
            log.warn(
                    "Checkout with Idempotency-Key of user {} was left pending since before {}; started afresh",
                    userId,
                    now.minus(ABANDONED_AFTER));
            take = onePlan.insertPending(id, userId, product.get(), provider, key, now);
        }
        if (take.refused() != null) {
            return take.refused(); // one plan at a time: nothing stored, nothing counted
        }
        boolean taken = take.taken();
        if (!taken) {
            // Only the (user, key) pair can conflict: checkout ids are random.
            Optional<CheckoutStore.Checkout> found = checkouts.byIdempotencyKey(userId, key);
            if (found.isEmpty()) {
                // the row this insert met went meanwhile (its request failed, or a retry is between
                // freeing an abandoned key and taking it): the key is in play, try again in a second
                return new CheckoutResult.InProgress();
            }
            CheckoutStore.Checkout earlier = found.get();
            if (!earlier.product().equals(productId)) {
                return new CheckoutResult.KeyReused(earlier.product());
            }
            if (earlier.url() == null) {
                return new CheckoutResult.InProgress();
            }
            return new CheckoutResult.Created(earlier.id(), earlier.url(), earlier.product(), true);
        }
        try {
            return open(id, userId, product.get(), now);
        } catch (RuntimeException e) {
            // Kept, the pending row would answer every retry with this key "in progress" (409).
            try {
                checkouts.delete(id);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The new checkout {@code id}, its key taken: counted against the limit, then opened at the provider. */
    private CheckoutResult open(String id, long userId, Product product, Instant now) {
        if (limit.enabled()) {
            Optional<Duration> wait = checkoutRate.take(userId, limit.maxCalls(), limit.window(), now);
            if (wait.isPresent()) {
                checkouts.delete(id);
                return new CheckoutResult.RateLimited(wait.get(), limit.maxCalls(), limit.window());
            }
        }
        String email = users.byId(userId)
                .orElseThrow(() -> new IllegalStateException("checkout " + id + " for unknown user " + userId))
                .email();
        try {
            CheckoutGateway.Session session = gateways.get(props.provider())
                    .create(new CheckoutGateway.Request(
                            id, userId, email, product, successUrl(), now.plus(OnePlan.CHECKOUT_OPEN_FOR)));
            if (!checkouts.open(id, session.url(), session.providerRef())) {
                // This request outlived ABANDONED_AFTER and a retry took its key: that retry's checkout
                // is the key's now. This session is not handed out (its URL is its only way in), so the
                // key never leads to two payable checkouts; the caller's retry gets the other one.
                log.warn(
                        "Checkout {} of user {} was taken for abandoned while it was opened; not handed out",
                        id,
                        userId);
                checkouts.delete(id);
                return new CheckoutResult.InProgress();
            }
            checkoutOrigins.warnIfOutside(id, session.url());
            return new CheckoutResult.Created(id, session.url(), product.id(), false);
        } catch (CheckoutGateway.Unavailable e) {
            log.warn("Checkout {} of {} refused: {}", id, product.id(), e.getMessage());
            checkouts.delete(id);
            return new CheckoutResult.ProviderUnavailable(e.getMessage());
        }
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
     * Cancels at the provider (a plan the simulated checkout sold: locally, whatever the provider now);
     * no renewal, grants stop at the end of the paid period.
     */
    public CancelResult cancelSubscription(long userId, String subscriptionId) {
        Optional<Subscription> found = subscriptions.findForUser(userId, subscriptionId);
        if (found.isEmpty()) {
            return new CancelResult.NotFound(subscriptionId);
        }
        Subscription sub = found.get();
        Instant now = clock.instant();
        if (sub.endsAt() != null && !sub.endsAt().isAfter(now)) {
            return new CancelResult.AlreadyEnded(sub);
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
    private Optional<CheckoutGateway> gatewayOf(Subscription sub) {
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

    private String successUrl() {
        String s = props.successUrl();
        // checked at start: a path, or an absolute http(s) URL whatever the scheme's letter case
        return s.startsWith("/") ? publicUrl.get() + s : s;
    }
}
