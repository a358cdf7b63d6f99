package dev.renderbank.billing;

import java.time.Instant;

/** A stored payment-provider webhook, as operators see it. */
public record PaymentEvent(
        long id,
        String provider,
        String eventId,
        String eventType,
        String status,
        int attempts,
        String lastError,
        Instant nextAttemptAt,
        Instant receivedAt,
        Instant processedAt) {}
