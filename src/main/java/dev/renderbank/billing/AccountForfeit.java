package dev.renderbank.billing;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.ledger.ForfeitResult;
import dev.renderbank.ledger.Forfeits;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A deleted account's remaining credits are forfeited, with a ledger entry, once its running jobs
 * have released their holds (generation's handler of the same event does that): while anything is
 * held this handler fails, and the durable event retries it with backoff. It lives here rather than
 * in the ledger, which knows no users' lifecycle (ArchitectureTest).
 */
@Component
class AccountForfeit implements DurableEventHandler<AccountDeleted> {

    private static final Logger log = LoggerFactory.getLogger(AccountForfeit.class);

    private final Forfeits forfeits;

    AccountForfeit(Forfeits forfeits) {
        this.forfeits = forfeits;
    }

    @Override
    public String name() {
        return "billing.account-deleted-forfeit";
    }

    @Override
    public Class<AccountDeleted> eventType() {
        return AccountDeleted.class;
    }

    @Override
    public void handle(AccountDeleted event) {
        ForfeitResult r =
                forfeits.forfeitAll(event.userId(), "forfeit:" + event.userId(), "account deleted by its owner");
        if (r instanceof ForfeitResult.HoldsOpen open) {
            throw new IllegalStateException("account " + event.userId() + " still holds " + open.held()
                    + " credits; forfeiting once its jobs have settled");
        }
        log.info("account {} deleted: {}", event.userId(), r);
    }
}
