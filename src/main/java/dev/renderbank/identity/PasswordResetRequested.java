package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;

/**
 * A password-reset link must be emailed; like {@link VerificationRequested} it carries the raw
 * one-time token, which the database keeps only hashed.
 */
public record PasswordResetRequested(long userId, long tokenId, String token) implements DurableEvent {

    @Override
    public String key() {
        return "password-reset:" + tokenId;
    }

    @Override
    public String toString() {
        return "PasswordResetRequested[" + userId + ", " + tokenId + "]";
    }
}
