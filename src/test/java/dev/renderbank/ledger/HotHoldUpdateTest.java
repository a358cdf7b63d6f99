package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.RowUpdates;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A hold row is written twice on the hottest path (reserve, then capture or release). The second
 * write must be a HOT update (heap only, no index entry written), which PostgreSQL allows only when
 * no indexed column (index predicates included) changes. Counted with PostgreSQL's own per-transaction
 * statistics, so the rule is checked on the real table and its real indexes.
 */
class HotHoldUpdateTest extends LedgerTestSupport {

    @Autowired
    TransactionTemplate tx;

    private RowUpdates holdUpdatesOf(Runnable step) {
        return RowUpdates.of(jdbc, tx, "credit_hold", step);
    }

    @Test
    void captureAndReleaseUpdateTheHoldRowInPlace() {
        long user = fundedUser(100);
        String captured = key("job");
        String released = key("job");
        ledger.reserve(user, 10, captured, TTL);
        ledger.reserve(user, 10, released, TTL);

        RowUpdates capture = holdUpdatesOf(() -> ledger.capture(captured));
        RowUpdates release = holdUpdatesOf(() -> ledger.release(released, "cancelled"));

        assertThat(capture).isEqualTo(new RowUpdates(1, 1));
        assertThat(release).isEqualTo(new RowUpdates(1, 1));
    }

    @Test
    void anOverdueHoldLeftOpenLongBeforeTheLastSweepIsStillExpired() {
        // A sweep far in the future, then the clock back where it was: holds created since then must
        // still be found, whatever the sweep remembers of earlier runs.
        long user = fundedUser(100);
        String key = key("job");
        clock.advance(Duration.ofDays(30));
        ledger.expireDue(clock.instant());
        clock.reset();
        ledger.reserve(user, 10, key, Duration.ofMinutes(1));
        clock.advance(Duration.ofDays(2));

        ledger.expireDue(clock.instant());

        assertThat(ledger.hold(key).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
        assertThat(ledger.openHolds(user)).isEmpty();
    }

    @Test
    void aHoldCreatedUnderAClockSetBackIsExpiredOnceTheClockHasPassedTheLastSweep() {
        long user = fundedUser(100);
        String key = key("job");
        clock.advance(Duration.ofDays(30));
        ledger.expireDue(clock.instant());
        clock.reset();
        ledger.reserve(user, 10, key, Duration.ofMinutes(1));
        clock.advance(Duration.ofDays(31));

        ledger.expireDue(clock.instant());

        assertThat(ledger.hold(key).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
    }

    @Test
    void aReserveThatCommitsBelowTheSweepsMarkIsStillExpiredWithinAnHour() throws Exception {
        // A reserve whose transaction stays open (here: held open on purpose) while a later one commits
        // and sweeps run: once committed, it must still be expired. The next regular sweep does it
        // (LateCommitExpiryTest); the sweep's hourly full scan would, were the mark ever past it.
        long slowUser = fundedUser(100);
        long otherUser = fundedUser(100);
        String slow = key("job");
        CountDownLatch reserved = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> slowReserve = pool.submit(() -> tx.executeWithoutResult(status -> {
                ledger.reserve(slowUser, 10, slow, Duration.ofMinutes(1));
                reserved.countDown();
                await(commit);
            }));
            assertThat(reserved.await(30, TimeUnit.SECONDS)).isTrue();
            String later = key("job");
            ledger.reserve(otherUser, 10, later, TTL);
            ledger.capture(later);
            clock.advance(Duration.ofMinutes(3));
            ledger.expireDue(clock.instant());
            commit.countDown();
            slowReserve.get(30, TimeUnit.SECONDS);

            for (int minutes = 0; minutes <= 70; minutes += 10) {
                clock.advance(Duration.ofMinutes(10));
                ledger.expireDue(clock.instant());
            }

            assertThat(ledger.hold(slow).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
        } finally {
            commit.countDown();
            pool.shutdownNow();
            clock.reset();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aUsersOpenHoldsAreListedOldestFirst() {
        long user = fundedUser(100);
        String first = key("job");
        String second = key("job");
        String settled = key("job");
        ledger.reserve(user, 10, first, TTL);
        clock.advance(Duration.ofSeconds(1));
        ledger.reserve(user, 10, second, TTL);
        ledger.reserve(user, 10, settled, TTL);
        ledger.capture(settled);

        assertThat(ledger.openHolds(user)).extracting(Hold::key).containsExactly(first, second);
        ledger.release(first, "done");
        ledger.release(second, "done");
    }
}
