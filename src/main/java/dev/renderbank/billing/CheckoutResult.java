package dev.renderbank.billing;

import java.time.Duration;
import java.time.Instant;

/** Outcome of {@link Billing#checkout}. */
public sealed interface CheckoutResult {

    /** Send the buyer to {@code url}. {@code repeated} when an Idempotency-Key returned an earlier answer. */
    record Created(String checkoutId, String url, String product, boolean repeated) implements CheckoutResult {}

    record UnknownProduct(String product) implements CheckoutResult {}

    /** The same Idempotency-Key is still being answered (409, retry in a second). */
    record InProgress() implements CheckoutResult {}

    /** The Idempotency-Key was used for a different product (422). */
    record KeyReused(String product) implements CheckoutResult {}

    /** The user started as many checkouts as allowed in the current window; try again after {@code retryAfter} (429). */
    record RateLimited(Duration retryAfter, int maxCalls, Duration window) implements CheckoutResult {}

    /** 503: an operator paused sales; {@code message} is theirs. Nothing was stored. */
    record SalesPaused(String message, Duration retryAfter) implements CheckoutResult {}

    /** The payment provider could not be reached or refused; nothing was stored (503). */
    record ProviderUnavailable(String message) implements CheckoutResult {}

    /**
     * A checkout for a plan refused because the user has a plan or a plan checkout already: one plan
     * at a time (409). Nothing was stored and nothing counted against the checkout limit.
     */
    sealed interface PlanRefusal extends CheckoutResult {}

    /** The user's plan {@code plan} has not ended ({@link Subscription#runningAt}): cancel it, buy anew once it ends. */
    record PlanAlreadyActive(Subscription plan) implements PlanRefusal {}

    /**
     * A checkout for {@code product} (a plan) opened at {@code openedAt} is not paid yet; {@code url}
     * is its payment page (null while its request is still opening it). It blocks other plan checkouts
     * until {@code openUntil}, when the provider's page has expired (Stripe's default: a day).
     */
    record PlanCheckoutOpen(String checkoutId, String product, String url, Instant openedAt, Instant openUntil)
            implements PlanRefusal {}
}
