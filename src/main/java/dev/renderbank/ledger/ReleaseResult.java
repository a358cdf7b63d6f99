package dev.renderbank.ledger;

/**
 * Outcome of {@link Ledger#release}. Each case is its own type, so a caller names what it does when
 * the credits could not be given back instead of reading a hold's state out of a generic refusal.
 */
public sealed interface ReleaseResult {

    /** The held credits were given back by this call. */
    record Released(Hold hold) implements ReleaseResult {}

    /** The hold was released or expired before (an idempotent repeat): nothing new was written. */
    record AlreadyReleased(Hold hold) implements ReleaseResult {}

    /** Refused: the hold was charged before, so its credits are spent and cannot come back. */
    record AlreadyCaptured(Hold hold) implements ReleaseResult {}

    record NotFound(String key) implements ReleaseResult {}
}
