package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A hold past its deadline is expired by the regular sweep (every {@code
 * renderbank.ledger.hold-expiry-interval}), whatever order reserves commit in. Holds are numbered as
 * their reserves insert them, not as they commit: a reserve inside a longer transaction (a job's
 * acceptance) can take its number, stay uncommitted while later reserves commit and sweeps run, and
 * commit afterwards. The sweep must not have moved its mark past that number meanwhile: the hold
 * then stayed held (its credits, the user's in-flight slot) until the hourly full scan.
 */
class LateCommitExpiryTest extends LedgerTestSupport {

    @Autowired
    TransactionTemplate tx;

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final CountDownLatch release = new CountDownLatch(1);

    /** Each test starts later than the last: no hold an earlier one made looks recent to it. */
    private static final AtomicInteger TESTS = new AtomicInteger();

    @BeforeEach
    void pastEveryEarlierDeadline() {
        // No hold lives longer than 30 days: this sweep expires every earlier test's hold, so none
        // keeps the sweep looking low enough by chance.
        clock.advance(Duration.ofDays(365).plusHours(2L * TESTS.incrementAndGet()));
        ledger.expireDue(clock.instant());
    }

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
        clock.reset();
    }

    @Test
    void aReserveCommittedAfterLaterOnesAndSweepsIsExpiredByTheNextRegularSweep() throws Exception {
        long slowUser = fundedUser(100);
        long otherUser = fundedUser(100);
        String slow = key("job");
        String later = key("job");
        CountDownLatch reserved = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        Future<?> slowReserve = openReserve(slowUser, slow, reserved, commit, false);
        assertThat(reserved.await(30, TimeUnit.SECONDS)).isTrue();
        ledger.reserve(otherUser, 10, later, Duration.ofMinutes(1));
        sweepsWhileLaterReservesCommit(otherUser);
        commit.countDown();
        slowReserve.get(30, TimeUnit.SECONDS);
        OffsetDateTime fullScan = lastFullScan();

        clock.advance(Duration.ofMinutes(1)); // both deadlines have passed
        ledger.expireDue(clock.instant());

        assertThat(lastFullScan())
                .as("a regular sweep, not the hourly full scan")
                .isEqualTo(fullScan);
        assertThat(ledger.hold(later).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
        assertThat(ledger.hold(slow).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
        assertThat(ledger.balance(slowUser)).isEqualTo(new Balance(100, 0, 0));
    }

    /**
     * A reserve in a transaction that wrote nothing before it, waiting for another transaction's
     * reserve of the same key (which then rolls back), took its number before it waited: it must
     * count as a transaction that may still commit under that number all along.
     */
    @Test
    void aReserveThatWaitedForTheSameKeysRolledBackReserveIsExpiredByTheNextRegularSweep() throws Exception {
        long user = fundedUser(100);
        long otherUser = fundedUser(100);
        String job = key("job");
        CountDownLatch firstReserved = new CountDownLatch(1);
        CountDownLatch rollBack = new CountDownLatch(1);
        Future<?> first = openReserve(user, job, firstReserved, rollBack, true);
        assertThat(firstReserved.await(30, TimeUnit.SECONDS)).isTrue();
        CountDownLatch secondReserved = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        Future<?> second = openReserve(user, job, secondReserved, commit, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnAnotherTransaction() == 1);
        sweepsWhileLaterReservesCommit(otherUser);
        rollBack.countDown();
        first.get(30, TimeUnit.SECONDS);
        assertThat(secondReserved.await(30, TimeUnit.SECONDS)).isTrue();
        sweepsWhileLaterReservesCommit(otherUser);
        commit.countDown();
        second.get(30, TimeUnit.SECONDS);
        OffsetDateTime fullScan = lastFullScan();

        clock.advance(Duration.ofMinutes(1));
        ledger.expireDue(clock.instant());

        assertThat(lastFullScan())
                .as("a regular sweep, not the hourly full scan")
                .isEqualTo(fullScan);
        assertThat(ledger.hold(job).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(100, 0, 0));
    }

    /** Reserves {@code key} (a minute) in a transaction left open until {@code end}, then commits or rolls back. */
    private Future<?> openReserve(
            long user, String key, CountDownLatch reserved, CountDownLatch end, boolean rollBack) {
        return pool.submit(() -> tx.executeWithoutResult(status -> {
            assertThat(ledger.reserve(user, 10, key, Duration.ofMinutes(1))).isInstanceOf(ReserveResult.Reserved.class);
            reserved.countDown();
            awaitLatch(end);
            if (rollBack) {
                status.setRollbackOnly();
            }
        }));
    }

    /** Three sweeps ten seconds apart, each after another reserve committed (and was released). */
    private void sweepsWhileLaterReservesCommit(long user) {
        for (int sweep = 0; sweep < 3; sweep++) {
            String next = key("job");
            ledger.reserve(user, 10, next, TTL);
            ledger.release(next, "done");
            clock.advance(Duration.ofSeconds(10));
            ledger.expireDue(clock.instant());
        }
    }

    private long waitingOnAnotherTransaction() {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                         where wait_event_type = 'Lock' and wait_event = 'transactionid'
                           and query like '%insert into credit_hold%'""").query(Long.class).single();
    }

    private OffsetDateTime lastFullScan() {
        return jdbc.sql("select full_scan_at from ledger_expiry_sweep where id = 1")
                .query(OffsetDateTime.class)
                .single();
    }

    private void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS) || release.getCount() == 0) {
                throw new IllegalStateException("test ended before its transaction was told to end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
