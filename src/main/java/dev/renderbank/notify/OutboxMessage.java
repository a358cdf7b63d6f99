package dev.renderbank.notify;

import java.time.Instant;

/**
 * One email in the outbox as operators see it. {@code status}: {@code PENDING} (waiting or being
 * retried), {@code SENT}, {@code FAILED} (not sent: gave up after the configured attempts, or
 * withdrawn while waiting, its account deleted or generation emails turned off by the user; {@code
 * lastError} says which) or {@code HELD} (written while no SMTP server was configured; kept for
 * reading, never sent).
 */
public record OutboxMessage(
        long id,
        String key,
        String template,
        String to,
        String subject,
        String status,
        int attempts,
        String lastError,
        Instant nextAttemptAt,
        Instant createdAt,
        Instant sentAt) {}
