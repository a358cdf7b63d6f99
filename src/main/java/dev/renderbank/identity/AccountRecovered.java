package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;

/**
 * Someone proved the account's mailbox and set its password through an emailed link (a password
 * reset, or the verification link of a repeated sign-up, {@code linkId}): whoever knew the old
 * password is out. Published in that transaction, which ended every session and revoked every API
 * token; notify removes the account's webhook endpoints, which would otherwise keep sending the
 * account's events to wherever that person pointed them. Each handler idempotent.
 *
 * <p>{@code recovery} numbers the account's recoveries (1 for the first; {@link
 * StillSignedIn.Standing.SignedIn#recoveries} is the number of the last one): a handler removes what
 * was written before this recovery, and keeps what the owner wrote after it, however late the handler
 * runs (a retry). What was written before is what was written under a smaller number; nothing is
 * compared by time. Null in an event published before the number was kept: everything goes, as it
 * did then.
 *
 * <p>{@code beforeVerification}: the account's address was not confirmed yet (the repeated sign-up of
 * someone who signed up first with another person's address, taken back by its owner): what that
 * first sign-up chose for the account (its referral) goes too. Null in an event published before it
 * was kept: false.
 */
public record AccountRecovered(long userId, long linkId, Long recovery, Boolean beforeVerification)
        implements DurableEvent {

    @Override
    public String key() {
        return "account-recovered:" + linkId;
    }
}
