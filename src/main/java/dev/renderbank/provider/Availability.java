package dev.renderbank.provider;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether new generation work may go to the provider. While not {@link State#AVAILABLE}, requests
 * are refused with 503 and {@code Retry-After: retryAfter} (the time until the next balance
 * recheck), and accepted jobs wait instead of being submitted.
 */
public record Availability(State state, Instant since, String detail, Duration retryAfter) {

    public enum State {
        AVAILABLE,
        /** The provider answered 402 / insufficient credits, or a balance check read too few credits. */
        EXHAUSTED,
        /** The provider refused our API key (401). */
        UNAUTHORIZED
    }

    public boolean available() {
        return state == State.AVAILABLE;
    }
}
