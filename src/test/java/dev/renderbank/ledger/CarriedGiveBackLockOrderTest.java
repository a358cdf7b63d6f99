package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A give-back of a deleted account's clawback whose debt was carried to a new account of the mailbox
 * changes the new account's carried clawback under the new account's row lock, as everything else
 * that changes it does (a grant paying its debt, an operator's waiver): locking the carried clawback
 * first and the account after, it deadlocked with them.
 */
class CarriedGiveBackLockOrderTest extends LedgerTestSupport {

    @Autowired
    Forfeits forfeits;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aGiveBackOfACarriedDebtWaitsForAWaiverHoldingTheNewAccountAndBothLand() throws Exception {
        long deleted = newUser();
        String grant = key("purchase");
        ledger.grant(deleted, 1000, GrantSource.PURCHASE, grant, null, null);
        String job = key("job");
        ledger.reserve(deleted, 1000, job, TTL);
        ledger.capture(job);
        String dispute = "stripe:dispute:" + key("d") + ":";
        ledger.clawback(grant, 1000, dispute + grant, "chargeback");
        forfeits.forfeitAll(deleted, key("deleted"), "account deleted");
        long next = newUser();
        assertThat(ledger.carryDebt(next, List.of(deleted))).isEqualTo(1000);

        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<DebtWaived> waiver =
                CompletableFuture.supplyAsync(() -> new TransactionTemplate(transactions).execute(status -> {
                    // what a waiver (or a grant) on the new account takes first: its account row
                    jdbc.sql("select 1 from credit_account where user_id = :user for no key update")
                            .param("user", next)
                            .query(Integer.class)
                            .single();
                    locked.countDown();
                    awaitLatch(go);
                    return ledger.waiveDebt(next, 100, key("waive"), "ops@example.com", "goodwill");
                }));
        awaitLatch(locked);
        CompletableFuture<GivenBack> givenBack = CompletableFuture.supplyAsync(() -> ledger.giveBack(
                deleted, 500, List.of(grant), dispute, GrantSource.ADMIN, key("won"), null, "dispute won"));
        await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnALock() > 0);
        go.countDown();

        assertThat(waiver.get(30, TimeUnit.SECONDS).waived()).isEqualTo(100);
        givenBack.get(30, TimeUnit.SECONDS);
        assertThat(ledger.balance(next).debt())
                .as("1000 carried, 100 waived, a give-back of 500 of which 100 was waived")
                .isEqualTo(500);
    }

    private long waitingOnALock() {
        return jdbc.sql("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                        + " and query like '%credit_account%'")
                .query(Long.class)
                .single();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not reached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
