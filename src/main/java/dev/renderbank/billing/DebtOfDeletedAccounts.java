package dev.renderbank.billing;

import dev.renderbank.identity.NewAccountOfMailbox;
import dev.renderbank.ledger.Ledger;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A new account starts owing what deleted accounts of its mailbox still owed ({@link Ledger#carryDebt}), in
 * the transaction that creates it: it never exists without that debt, so it cannot generate before
 * paying it (402 {@code debt}, as any debt), and an operator waives it as any debt.
 */
@Component
class DebtOfDeletedAccounts implements NewAccountOfMailbox {

    private static final Logger log = LoggerFactory.getLogger(DebtOfDeletedAccounts.class);

    private final Ledger ledger;

    DebtOfDeletedAccounts(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public void opened(long userId, List<Long> deletedAccounts) {
        long carried = ledger.carryDebt(userId, deletedAccounts);
        if (carried > 0) {
            log.info(
                    "new account {} starts owing {} credits of debt of deleted account(s) {} of its mailbox",
                    userId,
                    carried,
                    deletedAccounts);
        }
    }
}
