package dev.renderbank.billing;

/** Outcome of {@link Billing#cancelSubscription}. */
public sealed interface CancelResult {

    /** Cancelled: no renewal; grants stop at {@code subscription.endsAt()}. */
    record Cancelled(Subscription subscription) implements CancelResult {}

    record NotFound(String id) implements CancelResult {}

    record AlreadyEnded(Subscription subscription) implements CancelResult {}

    record ProviderUnavailable(String message) implements CancelResult {}
}
