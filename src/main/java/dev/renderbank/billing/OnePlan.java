package dev.renderbank.billing;

import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One plan at a time. A checkout for a plan is refused while the user has a plan that has not ended
 * ({@link Subscription#runningAt}), or another plan checkout opened within {@link #CHECKOUT_OPEN_FOR}
 * and not paid: two open plan checkouts could both be paid, and each would take money for a plan.
 * The plan is changed by cancelling it and buying another once it ends; plan switches at the provider
 * (a Stripe subscription moved to another price) are events of the same subscription and not
 * checkouts, so nothing here refuses them. Packs are never refused.
 */
@Component
class OnePlan {

    /**
     * How long an opened, unpaid plan checkout blocks the user's other plan checkouts: Stripe's
     * Checkout Sessions, which renderbank opens with Stripe's default lifetime, expire after a day. An
     * older one is taken as left (docs/API.md: a provider page that outlives it could still be paid).
     */
    static final Duration CHECKOUT_OPEN_FOR = Duration.ofHours(24);

    /** Whether the checkout's row was inserted; if not, {@code refused} says why, or null: its key is taken. */
    record Take(boolean taken, CheckoutResult.PlanRefusal refused) {}

    private final ProductCatalog catalog;
    private final CheckoutStore checkouts;
    private final SubscriptionStore subscriptions;
    private final TransactionTemplate tx;
    private final PaymentsProperties payments;

    OnePlan(
            ProductCatalog catalog,
            CheckoutStore checkouts,
            SubscriptionStore subscriptions,
            TransactionTemplate tx,
            PaymentsProperties payments) {
        this.catalog = catalog;
        this.checkouts = checkouts;
        this.subscriptions = subscriptions;
        this.tx = tx;
        this.payments = payments;
    }

    /**
     * Whether {@code plan} is of the payments new checkouts go to, and so refuses another: simulated
     * plans are recorded as Creem's, and count only while payments are simulated. A plan of another
     * provider (payments switched since, say from simulated to Creem or Stripe) does not refuse one: it
     * cannot be billed with the new one's plans, and may not be cancellable from here any more, which
     * would lock its user out of plans for good. (While payments are simulated a real Creem plan still
     * counts, as before: it is cancelled locally then.)
     */
    private boolean ofPaymentsNow(Subscription plan) {
        return switch (payments.provider()) {
            case SIMULATED -> plan.provider().equals("creem");
            case CREEM -> plan.provider().equals("creem") && !plan.simulated();
            case STRIPE -> plan.provider().equals("stripe");
        };
    }

    /**
     * Inserts the checkout's PENDING row (which takes its Idempotency-Key). A plan's is inserted
     * under the user's plan-checkout lock, only if nothing refuses it then: of two plan checkouts sent
     * at once the second waits, then finds the first's row. A checkout whose key is already taken
     * is not judged here: the caller answers it as a repeat (or a reuse) of the key.
     */
    Take insertPending(String id, long userId, Product product, String provider, String key, Instant now) {
        if (!product.isPlan()) {
            return new Take(checkouts.insertPending(id, userId, product, provider, key, now), null);
        }
        return tx.execute(status -> {
            checkouts.lockPlanCheckouts(userId);
            if (key != null && checkouts.byIdempotencyKey(userId, key).isPresent()) {
                return new Take(false, null);
            }
            Optional<CheckoutResult.PlanRefusal> refused = refusal(userId, now);
            if (refused.isPresent()) {
                return new Take(false, refused.get());
            }
            return new Take(checkouts.insertPending(id, userId, product, provider, key, now), null);
        });
    }

    /**
     * What refuses a plan checkout of the user at {@code now}: a plan that has not ended, else an
     * open plan checkout. The checkouts are read first: a payment recorded in between completes its
     * checkout and records its plan in one transaction, so it is seen as one or the other.
     */
    Optional<CheckoutResult.PlanRefusal> refusal(long userId, Instant now) {
        Optional<CheckoutStore.Checkout> open = checkouts.openForPlan(
                userId, catalog.plans().keySet(), now.minus(CHECKOUT_OPEN_FOR), now.minus(Checkouts.ABANDONED_AFTER));
        Optional<CheckoutResult.PlanRefusal> running = subscriptions.forUser(userId).stream()
                .filter(this::ofPaymentsNow)
                .filter(s -> s.runningAt(now))
                .findFirst()
                .map(CheckoutResult.PlanAlreadyActive::new);
        return running.or(() -> open.map(c -> new CheckoutResult.PlanCheckoutOpen(
                c.id(), c.product(), c.url(), c.createdAt(), c.createdAt().plus(CHECKOUT_OPEN_FOR))));
    }
}
