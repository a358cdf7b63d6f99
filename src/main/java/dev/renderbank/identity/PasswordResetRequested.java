package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;
import java.time.Instant;

/**
 * A password-reset link must be emailed; like {@link VerificationRequested} it carries the raw
 * one-time token, which the database keeps only hashed. {@code expiresAt}: when the link stops
 * working, so its email is not sent after it (null in events written before it was added).
 */
public record PasswordResetRequested(long userId, long tokenId, String token, Instant expiresAt)
        implements DurableEvent {

    @Override
    public String key() {
        return "password-reset:" + tokenId;
    }

    @Override
    public String toString() {
        return "PasswordResetRequested[" + userId + ", " + tokenId + "]";
    }
}
