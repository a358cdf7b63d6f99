package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;

/**
 * Someone proved the account's mailbox and set its password through an emailed link (a password
 * reset, or the verification link of a repeated sign-up, {@code linkId}): whoever knew the old
 * password is out. Published in that transaction, which ended every session and revoked every API
 * token; notify removes the account's webhook endpoints, which would otherwise keep sending the
 * account's events to wherever that person pointed them. Each handler idempotent.
 */
public record AccountRecovered(long userId, long linkId) implements DurableEvent {

    @Override
    public String key() {
        return "account-recovered:" + linkId;
    }
}
