package dev.renderbank.identity;

import java.time.Instant;

/** A user as other modules see it: no password, no tokens. */
public record UserAccount(
        long id,
        String email,
        String displayName,
        Role role,
        boolean emailVerified,
        String timeZone,
        Instant createdAt) {}
