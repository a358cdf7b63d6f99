package dev.renderbank.billing;

/** Outcome of {@link Billing#cancelSubscription}. */
public sealed interface CancelResult {

    /** Cancelled: no renewal; grants stop at {@code subscription.endsAt()}. */
    record Cancelled(Subscription subscription) implements CancelResult {}

    record NotFound(String id) implements CancelResult {}

    record AlreadyEnded(Subscription subscription) implements CancelResult {}

    record ProviderUnavailable(String message) implements CancelResult {}

    /**
     * Not cancelled: its first payment is still being processed (a bank debit). Cancelled now it would
     * stop refusing a second plan while the debit may still clear, and both plans could be paid; it can
     * be cancelled once the payment has cleared (it keeps that paid month) or failed (it ends by itself).
     */
    record PaymentPending(Subscription subscription) implements CancelResult {}
}
