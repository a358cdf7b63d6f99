package dev.renderbank.identity;

import dev.renderbank.platform.DurableEvent;

/**
 * The user deleted their account: the row is anonymised, tokens revoked, login impossible (published
 * in that same transaction). Billing cancels subscriptions, generation ends running jobs and deletes
 * assets and prompts, the ledger forfeits what is left — each handler idempotent.
 */
public record AccountDeleted(long userId) implements DurableEvent {

    @Override
    public String key() {
        return "account-deleted:" + userId;
    }
}
