package dev.renderbank.billing;

import java.time.Instant;

/**
 * A stored payment webhook that names one user, as operators see it: its kind ({@code eventType}),
 * status and the amount it names. {@code amountMinor} and {@code currency} are read from the payload
 * (the order's, transaction's or object's amount); null when it names none.
 */
public record UserPaymentEvent(
        long id,
        String provider,
        String eventId,
        String eventType,
        String status,
        int attempts,
        String lastError,
        Long amountMinor,
        String currency,
        Instant nextAttemptAt,
        Instant receivedAt,
        Instant processedAt) {}
