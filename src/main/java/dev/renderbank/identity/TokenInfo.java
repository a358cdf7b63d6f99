package dev.renderbank.identity;

import java.time.Instant;

/**
 * An API token as operators see it: never the token itself (only its hash is stored). Whether it
 * still works also depends on its expiry: count live tokens with {@link UserAdministration#liveTokens}.
 */
public record TokenInfo(long id, String name, Instant createdAt, Instant revokedAt) {}
