package dev.renderbank.ledger;

import java.time.Instant;

public record Hold(
        String key, long userId, long amount, HoldState state, String reason, Instant expiresAt, Instant createdAt) {}
