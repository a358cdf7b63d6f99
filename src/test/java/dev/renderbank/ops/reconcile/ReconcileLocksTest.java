package dev.renderbank.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Repairs queued on one finding run one at a time, and while they wait they hold no database
 * connection: many operators (or retries) repairing one finding cannot take the pool from the repair
 * that runs, which needs connections of its own to record what it did.
 */
class ReconcileLocksTest extends IntegrationTest {

    private static final int WAITERS = 8;

    @Autowired
    ReconcileLocks locks;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void repairsWaitingForTheFindingHoldNoConnectionAndThenRunOneAtATime() throws Exception {
        String finding = "stripe:checkout_session:cs_" + System.nanoTime();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WAITERS);
        List<Future<Integer>> repairs = new ArrayList<>();
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(true);
            try (PreparedStatement ps = holder.prepareStatement("select pg_advisory_lock(hashtextextended(?, 0))")) {
                ps.setString(1, "reconcile-repair:" + finding);
                ps.executeQuery().close();
            }
            for (int i = 0; i < WAITERS; i++) {
                repairs.add(pool.submit(() -> locks.whileRepairing(finding, () -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        TimeUnit.MILLISECONDS.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return 1;
                })));
            }
            TimeUnit.MILLISECONDS.sleep(500);
            assertThat(repairs).noneMatch(Future::isDone);
            assertThat(waitingInTheDatabase())
                    .as("sessions waiting in pg_advisory_lock while another repair runs")
                    .isZero();
            try (PreparedStatement ps = holder.prepareStatement("select pg_advisory_unlock(hashtextextended(?, 0))")) {
                ps.setString(1, "reconcile-repair:" + finding);
                ps.executeQuery().close();
            }
        }
        int done = 0;
        for (Future<Integer> r : repairs) {
            done += r.get(30, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertThat(done).isEqualTo(WAITERS);
        assertThat(most.get()).as("repairs of one finding at once").isEqualTo(1);
    }

    private long waitingInTheDatabase() {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                         where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'""").query(Long.class).single();
    }
}
