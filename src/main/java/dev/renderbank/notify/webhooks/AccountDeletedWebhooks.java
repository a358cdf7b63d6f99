package dev.renderbank.notify.webhooks;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A deleted account's webhook endpoints go, with their deliveries (pending retries included): the
 * URL and the signing secret are the user's data, and nothing more may be sent to a deleted user.
 * {@link WebhookEvents#record} writes nothing for a deleted account either, so an event of the
 * deletion itself (its jobs failing with {@code ACCOUNT_DELETED}) is not sent while this handler
 * waits its turn. Idempotent: a second run finds no endpoint.
 */
@Component
class AccountDeletedWebhooks implements DurableEventHandler<AccountDeleted> {

    private static final Logger log = LoggerFactory.getLogger(AccountDeletedWebhooks.class);

    private final EndpointStore endpoints;

    AccountDeletedWebhooks(EndpointStore endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public String name() {
        return "notify.webhooks-account-deleted";
    }

    @Override
    public Class<AccountDeleted> eventType() {
        return AccountDeleted.class;
    }

    @Override
    public void handle(AccountDeleted event) {
        int removed = endpoints.deleteAll(event.userId());
        if (removed > 0) {
            log.info("account {} deleted: {} webhook endpoint(s) removed", event.userId(), removed);
        }
    }
}
