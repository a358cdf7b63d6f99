package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;

/** A user's address was verified for the first time (published in the verifying transaction). */
public record EmailVerified(long userId) implements DurableEvent {

    @Override
    public String key() {
        return "email-verified:" + userId;
    }
}
