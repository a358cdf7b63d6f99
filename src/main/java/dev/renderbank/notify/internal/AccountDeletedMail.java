package dev.renderbank.notify.internal;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A deleted account's emails: the address identity erased is erased here too (recipient and bodies),
 * and what was still waiting is not sent. Identity anonymises the row first, so its placeholder
 * address is what the rows keep. Emails for the account are not queued afterwards ({@link
 * Mailer#queue}). Idempotent.
 */
@Component
class AccountDeletedMail implements DurableEventHandler<AccountDeleted> {

    private static final Logger log = LoggerFactory.getLogger(AccountDeletedMail.class);

    private final Outbox outbox;
    private final Users users;

    AccountDeletedMail(Outbox outbox, Users users) {
        this.outbox = outbox;
        this.users = users;
    }

    @Override
    public String name() {
        return "notify.mail-account-deleted";
    }

    @Override
    public Class<AccountDeleted> eventType() {
        return AccountDeleted.class;
    }

    @Override
    public void handle(AccountDeleted event) {
        String placeholder = users.byId(event.userId())
                .map(UserAccount::email)
                .orElse("deleted-" + event.userId() + "@deleted.invalid");
        int erased = outbox.eraseRecipient(event.userId(), placeholder);
        if (erased > 0) {
            log.info("account {} deleted: its address erased from {} email(s)", event.userId(), erased);
        }
    }
}
