package dev.renderbank.platform;

import java.time.Duration;

/**
 * The one Idempotency-Key window of the API (SPEC section 4): a key is remembered this long, so a
 * repeat within it answers as the first request did, and a repeat after it is a new request.
 */
public final class Idempotency {

    public static final Duration WINDOW = Duration.ofHours(24);

    private Idempotency() {}
}
