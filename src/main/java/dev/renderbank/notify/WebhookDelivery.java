package dev.renderbank.notify;

import java.time.Instant;
import java.util.List;

/**
 * One event sent (or being sent) to one endpoint. {@code id} is the {@code webhook-id} header, the
 * same on every attempt and resend; {@code status}: {@code PENDING} (waiting or being retried),
 * {@code DELIVERED} (a 2xx answer), {@code FAILED} (retried for the whole retry window in vain).
 */
public record WebhookDelivery(
        String id,
        String type,
        String status,
        int attempts,
        Integer lastStatusCode,
        String lastError,
        Instant nextAttemptAt,
        Instant createdAt,
        Instant deliveredAt,
        List<Attempt> recentAttempts) {

    /** One POST: the receiver's status code (null when none came) or the error; newest first. */
    public record Attempt(int attempt, Instant at, Integer statusCode, String error, String responseExcerpt) {}
}
