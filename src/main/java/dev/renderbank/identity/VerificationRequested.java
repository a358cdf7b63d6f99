package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;
import java.time.Instant;

/**
 * A verification link must be emailed. It carries the raw one-time {@code token}: the database keeps
 * only its hash, so this event (a scheduled task row, deleted once the mail is queued) and the queued
 * email are the only places the token exists. {@code tokenId} makes each request its own email.
 * {@code expiresAt}: when the link stops working, so its email is not sent after it (null in events
 * written before it was added).
 */
public record VerificationRequested(long userId, long tokenId, String token, Instant expiresAt)
        implements DurableEvent {

    @Override
    public String key() {
        return "verification:" + tokenId;
    }

    @Override
    public String toString() {
        return "VerificationRequested[" + userId + ", " + tokenId + "]";
    }
}
