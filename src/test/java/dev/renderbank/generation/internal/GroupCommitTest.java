package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * Tests of a group commit of job marks: the first mark is held at its job's row (locked here) so that
 * the marks started after it queue behind it for certain, then {@link #release} lets it go.
 */
abstract class GroupCommitTest extends JobRowsTest {

    final ExecutorService pool = Executors.newFixedThreadPool(8);
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    /**
     * Starts {@code mark} of the job {@code first} and returns once it waits at that job's row, locked
     * here until {@link #release}, in a statement whose text contains {@code statement}.
     */
    <T> Future<T> holdFirstMark(String first, Callable<T> mark, String statement) throws InterruptedException {
        CountDownLatch locked = new CountDownLatch(1);
        pool.submit(() -> tx.executeWithoutResult(status -> {
            jdbc.sql("select id from generation_job where id = :id for update")
                    .param("id", first)
                    .query(String.class)
                    .single();
            locked.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();
        Future<T> held = pool.submit(mark);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("""
                                select count(*) from pg_stat_activity
                                 where wait_event_type = 'Lock' and query like :statement""")
                                .param("statement", "%" + statement + "%")
                                .query(Integer.class)
                                .single()
                        == 1);
        return held;
    }

    /**
     * Starts every mark of {@code later} while the first is held, waits until all of them are queued
     * ({@code queued}: the group commit's queue), then releases the first; their outcomes in order.
     */
    <T> List<Future<T>> queuedBehindTheFirst(List<Callable<T>> later, IntSupplier queued) {
        List<Future<T>> marks = later.stream().map(pool::submit).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> queued.getAsInt() == later.size());
        release.countDown();
        return marks;
    }

    /** The outcome of every mark, each waited for. */
    static <T> List<T> outcomes(List<Future<T>> marks) throws Exception {
        List<T> outcomes = new ArrayList<>();
        for (Future<T> mark : marks) {
            outcomes.add(mark.get(30, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    /**
     * The later jobs' marks were committed in one transaction, the first's in another: each job's row
     * of {@code table} (found by {@code idColumn}) written by its mark's transaction ({@code xmin}).
     */
    void assertCommittedTogetherAfterTheFirst(String table, String idColumn, String first, List<String> later) {
        List<String> all = new ArrayList<>(later);
        all.add(first);
        assertThat(transactionsThatWrote(table, idColumn, later))
                .as("transactions that marked the later jobs")
                .isEqualTo(1);
        assertThat(transactionsThatWrote(table, idColumn, all))
                .as("transactions that marked all the jobs")
                .isEqualTo(2);
    }

    private long transactionsThatWrote(String table, String idColumn, List<String> ids) {
        return jdbc.sql("select count(distinct xmin::text) from " + table + " where " + idColumn + " in (:ids)")
                .param("ids", ids)
                .query(Long.class)
                .single();
    }
}
