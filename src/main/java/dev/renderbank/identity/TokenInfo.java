package dev.renderbank.identity;

import java.time.Instant;

/** An API token as operators see it: never the token itself (only its hash is stored). */
public record TokenInfo(long id, String name, Instant createdAt, Instant revokedAt) {

    public boolean live() {
        return revokedAt == null;
    }
}
