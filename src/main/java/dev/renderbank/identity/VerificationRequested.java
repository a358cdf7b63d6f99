package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;

/**
 * A verification link must be emailed. It carries the raw one-time {@code token}: the database keeps
 * only its hash, so this event (a scheduled task row, deleted once the mail is queued) and the queued
 * email are the only places the token exists. {@code tokenId} makes each request its own email.
 */
public record VerificationRequested(long userId, long tokenId, String token) implements DurableEvent {

    @Override
    public String key() {
        return "verification:" + tokenId;
    }

    @Override
    public String toString() {
        return "VerificationRequested[" + userId + ", " + tokenId + "]";
    }
}
