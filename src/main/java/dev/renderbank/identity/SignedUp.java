package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;

/**
 * A new account was created through the sign-up form, published in its transaction. {@code
 * referralCode} is the {@code ?ref=} of the sign-up link as typed (null without one): identity does
 * not know referral codes, billing's rewards resolve and record the referrer on this event.
 */
public record SignedUp(long userId, String referralCode) implements DurableEvent {

    @Override
    public String key() {
        return "signed-up:" + userId;
    }
}
