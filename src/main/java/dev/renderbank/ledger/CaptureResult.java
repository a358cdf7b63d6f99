package dev.renderbank.ledger;

/**
 * Outcome of {@link Ledger#capture}. Each case is its own type, so a caller names what it does when
 * the credits were not charged instead of reading a hold's state out of a generic refusal.
 */
public sealed interface CaptureResult {

    /** The held credits were charged by this call. */
    record Captured(Hold hold) implements CaptureResult {}

    /** An earlier capture with this key charged them (an idempotent repeat): nothing new was written. */
    record AlreadyCaptured(Hold hold) implements CaptureResult {}

    /**
     * Nothing was charged: the hold was released or expired before, or its deadline had passed, in
     * which case this call expired it. Either way the credits are the user's again.
     */
    record AlreadyReleased(Hold hold) implements CaptureResult {}

    record NotFound(String key) implements CaptureResult {}
}
