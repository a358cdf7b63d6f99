package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Outcome of a generation request; refusals hold nothing and write nothing. */
public sealed interface AcceptOutcome {

    /** 202: the job exists and its price is held. {@code repeated} for an Idempotency-Key replay. */
    record Accepted(JobView job, boolean repeated) implements AcceptOutcome {}

    /** 400 / 422. */
    record Invalid(String field, String message, boolean unprocessable) implements AcceptOutcome {}

    /** 503: the provider is out of credits or unreachable for now. */
    record ProviderUnavailable(Duration retryAfter, String reason) implements AcceptOutcome {}

    /** 503: an operator paused new generations (all, or this model); {@code message} is theirs. */
    record Paused(String message, Duration retryAfter) implements AcceptOutcome {}

    /**
     * 503: this node has as many reference image lookups under way as it allows; nothing was looked
     * up or held.
     */
    record ReferenceChecksBusy(Duration retryAfter) implements AcceptOutcome {}

    /** 429: the per-user cooldown of this asset type is still running. */
    record CoolingDown(AssetType type, Duration remaining) implements AcceptOutcome {}

    /** 429: the user already has {@code cap} jobs of this type in flight. */
    /**
     * The in-flight cap is reached; {@code freeBy}, when known, is the earliest deadline of the jobs in
     * flight: a slot is free by then at the latest (most jobs end much sooner).
     */
    record TooManyInFlight(AssetType type, int cap, Duration retryAfter, Optional<Instant> freeBy)
            implements AcceptOutcome {}

    /** 402: not enough available credits, or an unpaid debt. */
    record NotEnoughCredits(long needed, long available, long debt) implements AcceptOutcome {}

    /** 422: the Idempotency-Key was used before with a different request body. */
    record KeyReusedWithDifferentRequest(String key) implements AcceptOutcome {}

    /** 401: the account was deleted while this request, authenticated just before, was accepted. */
    record AccountDeleted() implements AcceptOutcome {}
}
