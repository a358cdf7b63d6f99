package dev.renderbank.billing;

import dev.renderbank.billing.core.CheckoutContentSources;
import dev.renderbank.billing.core.CheckoutGateway;
import dev.renderbank.billing.db.CheckoutRateStore;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.identity.Users;
import dev.renderbank.platform.Idempotency;
import dev.renderbank.platform.PublicUrl;
import dev.renderbank.platform.Switches;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * A new checkout ({@link Billing#checkout}): the idempotency key, the sales switch, one plan at a
 * time ({@link OnePlan}), the user's checkout limit, then the provider's session. Nothing here opens
 * a transaction: the provider is called outside any. Logs as {@link Billing}, whose lines these were.
 */
@Component
class Checkouts {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Billing.class);

    private final ProductCatalog catalog;
    private final CheckoutStore checkouts;
    private final CheckoutRateStore checkoutRate;
    private final Map<PaymentsProperties.Provider, CheckoutGateway> gateways;
    private final PaymentsProperties props;
    private final CheckoutLimitProperties limit;
    private final Users users;
    private final Clock clock;
    private final PublicUrl publicUrl;
    private final Switches switches;
    private final CheckoutContentSources checkoutOrigins;
    private final OnePlan onePlan;

    Checkouts(
            ProductCatalog catalog,
            CheckoutStore checkouts,
            CheckoutRateStore checkoutRate,
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
        this.gateways = gateways.stream().collect(Collectors.toMap(CheckoutGateway::mode, Function.identity()));
        this.props = props;
        this.limit = limit;
        this.users = users;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    /**
     * How long a checkout may stay PENDING (its key taken, no provider URL yet) before it is taken
     * for a request that died (its node stopped): longer than a checkout request can run, whose one
     * provider call is at most two attempts of 5 s to connect and 20 s to read (Stripe, with its
     * backoff between them, under a minute).
     */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(90);

    /** The checkout {@link Billing#checkout} starts, as documented there. */
    CheckoutResult checkout(long userId, String productId, String idempotencyKey) {
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
        String provider = props.provider().name().toLowerCase(Locale.ROOT);
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
            log.warn("Checkout {} of user {} for {} refused: {}", id, userId, product.id(), e.getMessage());
            checkouts.delete(id);
            return new CheckoutResult.ProviderUnavailable(e.getMessage());
        }
    }

    private String successUrl() {
        String s = props.successUrl();
        // checked at start: a path, or an absolute http(s) URL whatever the scheme's letter case
        return s.startsWith("/") ? publicUrl.get() + s : s;
    }
}
