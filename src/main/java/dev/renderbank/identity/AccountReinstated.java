package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;
import java.time.Instant;

/**
 * An operator reinstated a suspended account (published in the reinstating transaction). What was
 * held back while it was suspended may follow: billing pays the referral rewards that waited for it.
 * Keyed by the moment too, so each reinstatement of an account is its own event.
 */
public record AccountReinstated(long userId, Instant at) implements DurableEvent {

    @Override
    public String key() {
        return "account-reinstated:" + userId + ":" + at.toEpochMilli();
    }
}
