package dev.renderbank.ops;

import java.time.Instant;

/**
 * One recorded operator action: who did what to which target, why, and the state before and after
 * (JSON text). {@code idempotencyKey} is unique per action: a repeat returns this record.
 */
public record OperatorAction(
        long id,
        String actor,
        String action,
        String target,
        String reason,
        Long amount,
        String before,
        String after,
        String idempotencyKey,
        Instant createdAt) {}
