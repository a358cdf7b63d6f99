package dev.renderbank.identity;

import java.time.Instant;

/** A live API token as its owner sees it in the list: never the secret, which is not stored. */
public record ApiToken(long id, String name, Instant createdAt, Instant lastUsedAt, Instant expiresAt) {}
