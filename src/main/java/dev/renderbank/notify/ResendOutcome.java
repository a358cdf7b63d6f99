package dev.renderbank.notify;

import java.time.Duration;
import java.time.Instant;

/** What asking to send a delivery again did. */
public sealed interface ResendOutcome {

    /** Pending again, with the same {@code webhook-id} and body and a fresh retry window. */
    record Queued(WebhookDelivery delivery) implements ResendOutcome {}

    /**
     * Resent less than {@code interval} ago: not queued; it may be resent again at {@code allowedAt}.
     */
    record TooSoon(Instant allowedAt, Duration interval) implements ResendOutcome {}

    /**
     * The user already resent {@code max} deliveries in the window of {@code window} under way: not
     * queued; resends are counted afresh from {@code allowedAt}.
     */
    record TooManyForUser(Instant allowedAt, int max, Duration window) implements ResendOutcome {}

    /** The endpoint is disabled (it failed for days): nothing queued until its owner enables it. */
    record EndpointDisabled() implements ResendOutcome {}

    /** The user has no such endpoint, or the endpoint no such delivery. */
    record NotFound() implements ResendOutcome {}
}
