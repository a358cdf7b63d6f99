package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.internal.IdentitySweep;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.support.Concurrently;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A deleted account's debt is carried once: by one of two accounts of its mailbox created at once, and
 * by either the account created while it is being deleted or the next one; and it is forgotten after
 * {@code renderbank.retention.deleted-account-debts}.
 */
class DebtCarryRaceTest extends BillingIntegrationTest {

    static final String PASSWORD = "a-long-password-123";

    @Autowired
    AccountDeletion deletion;

    @Autowired
    IdentitySweep sweep;

    @Test
    void twoAccountsOfTheMailboxCreatedAtOnceCarryTheDebtOnce() throws Exception {
        for (int round = 0; round < 4; round++) {
            String mailbox = "two" + UUID.randomUUID().toString().substring(0, 8);
            UserAccount owing = owing(mailbox + "@example.com");
            assertThat(deletion.delete(owing.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);

            var created = Concurrently.run(
                    () -> users.create(mailbox + "+one@example.com", PASSWORD, Role.USER, true),
                    () -> users.create(mailbox + "+two@example.com", PASSWORD, Role.USER, true));

            assertThat(created.stream().map(u -> ledger.balance(u.id()).debt()))
                    .as("round %d", round)
                    .containsExactlyInAnyOrder(0L, 200L);
            assertThat(ledger.balance(owing.id()).debt()).isZero();
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void anAccountCreatedWhileTheOwingOneIsDeletedOrTheNextOneCarriesTheDebtOnce() throws Exception {
        for (int round = 0; round < 4; round++) {
            String mailbox = "del" + UUID.randomUUID().toString().substring(0, 8);
            UserAccount owing = owing(mailbox + "@example.com");

            var done = Concurrently.run(
                    () -> deletion.delete(owing.id(), PASSWORD),
                    () -> users.create(mailbox + "+b@example.com", PASSWORD, Role.USER, true));
            assertThat(done.get(0)).isInstanceOf(DeletionOutcome.Deleted.class);
            UserAccount during = (UserAccount) done.get(1);
            UserAccount after = users.create(mailbox + "+c@example.com", PASSWORD, Role.USER, true);

            long duringDebt = ledger.balance(during.id()).debt();
            long afterDebt = ledger.balance(after.id()).debt();
            assertThat(duringDebt + afterDebt).as("round %d", round).isEqualTo(200);
            assertThat(duringDebt * afterDebt).isZero();
            assertThat(ledger.balance(owing.id()).debt()).isZero();
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aDeletedAccountsMailboxIsForgottenAfterTheRetention() throws Exception {
        String mailbox = "old" + UUID.randomUUID().toString().substring(0, 8);
        UserAccount owing = owing(mailbox + "@example.com");
        assertThat(deletion.delete(owing.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);

        sweep.sweep(clock.instant().plus(Duration.ofDays(364)));
        assertThat(remembered(owing)).isTrue();
        sweep.sweep(clock.instant().plus(Duration.ofDays(366)));
        assertThat(remembered(owing)).isFalse();

        UserAccount next = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        assertThat(ledger.balance(next.id()).debt()).isZero();
        assertThat(ledger.balance(owing.id()).debt())
                .as("still on the books, for operators")
                .isEqualTo(200);
    }

    private boolean remembered(UserAccount u) {
        return jdbc.sql("select count(*) from deleted_account_mailbox where user_id = :u")
                        .param("u", u.id())
                        .query(Integer.class)
                        .single()
                == 1;
    }

    /** An account that bought a pack-200, spent it and had it refunded: it owes 200. */
    private UserAccount owing(String email) throws Exception {
        UserAccount u = users.create(email, PASSWORD, Role.USER, true);
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        String job = id("job");
        assertThat(ledger.reserve(u.id(), 200, job, Duration.ofMinutes(5))).isInstanceOf(ReserveResult.Reserved.class);
        ledger.capture(job);
        creem(creemRefund(id("evt"), id("ref"), order, 990));
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(200);
        return u;
    }
}
