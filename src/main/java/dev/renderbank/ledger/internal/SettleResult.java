package dev.renderbank.ledger.internal;

import dev.renderbank.ledger.CaptureResult;
import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.ledger.ReleaseResult;

/**
 * What {@link HoldStore#settle} did with a hold, whichever way it was asked to settle it. The
 * facade turns it into the outcome of the step that was asked for ({@link #asCapture()}, {@link
 * #asRelease()}), where each case has its own type.
 */
public sealed interface SettleResult {

    /** The hold is now in the asked state; {@code repeated} when it already was (idempotent repeat). */
    record Settled(Hold hold, boolean repeated) implements SettleResult {}

    /** The hold was already settled the other way (capture after release, release after capture). */
    record Refused(Hold hold) implements SettleResult {}

    record NotFound(String key) implements SettleResult {}

    /** This result of a capture, as the facade reports it. */
    default CaptureResult asCapture() {
        if (this instanceof Settled s) {
            return s.repeated() ? new CaptureResult.AlreadyCaptured(s.hold()) : new CaptureResult.Captured(s.hold());
        }
        if (this instanceof Refused r && r.hold().state() != HoldState.CAPTURED) {
            return new CaptureResult.AlreadyReleased(r.hold());
        }
        if (this instanceof NotFound n) {
            return new CaptureResult.NotFound(n.key());
        }
        throw new IllegalStateException("a capture cannot end as " + this);
    }

    /** This result of a release, as the facade reports it. */
    default ReleaseResult asRelease() {
        if (this instanceof Settled s) {
            return s.repeated() ? new ReleaseResult.AlreadyReleased(s.hold()) : new ReleaseResult.Released(s.hold());
        }
        if (this instanceof Refused r && r.hold().state() == HoldState.CAPTURED) {
            return new ReleaseResult.AlreadyCaptured(r.hold());
        }
        if (this instanceof NotFound n) {
            return new ReleaseResult.NotFound(n.key());
        }
        throw new IllegalStateException("a release cannot end as " + this);
    }
}
