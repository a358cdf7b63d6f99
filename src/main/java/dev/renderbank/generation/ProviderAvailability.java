package dev.renderbank.generation;

import java.time.Duration;
import java.util.Optional;

/** What the job engine needs to know of the provider's health (see the provider module). */
interface ProviderAvailability {

    /** Present while new requests must be refused fast (provider out of credits or bad key). */
    Optional<Duration> refusalRetryAfter();

    void tripExhausted(String detail);

    void tripUnauthorized(String detail);
}
