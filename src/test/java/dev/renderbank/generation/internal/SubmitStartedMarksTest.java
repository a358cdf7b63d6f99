package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 15: the submit-started marks of submits that start while another mark is being committed
 * are committed together, in one statement (one WAL flush), and each caller still learns whether it
 * won its job's one submit attempt only from the committed compare-and-set: a job already started, or
 * queued twice in one batch, is won once. The first mark is held at its job's row (locked here) so
 * that the others queue behind it for certain; a mark's transaction is its job row's {@code xmin}.
 */
class SubmitStartedMarksTest extends JobRowsTest {

    @Autowired
    SubmitStartedMarks starts;

    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    @Test
    void marksThatStartWhileAnotherIsCommittingAreCommittedTogether() throws Exception {
        String first = acceptedJob();
        List<String> later = List.of(acceptedJob(), acceptedJob(), acceptedJob(), acceptedJob(), acceptedJob());

        Future<Boolean> firstMark = holdFirstMark(first);
        List<Future<Boolean>> laterMarks = new ArrayList<>();
        for (String id : later) {
            laterMarks.add(pool.submit(() -> starts.mark(id)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> starts.queued() == later.size());
        release.countDown();

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> mark : laterMarks) {
            assertThat(mark.get(30, TimeUnit.SECONDS)).isTrue();
        }
        List<String> all = new ArrayList<>(later);
        all.add(first);
        assertThat(all).allSatisfy(id -> {
            Job job = jobs.find(id).orElseThrow();
            assertThat(job.submitStartedAt()).isNotNull();
            assertThat(job.attempts()).isEqualTo(1);
        });
        assertThat(transactionsThatMarked(later))
                .as("transactions that marked the later jobs")
                .isEqualTo(1);
        assertThat(transactionsThatMarked(all))
                .as("transactions that marked all six")
                .isEqualTo(2);
    }

    @Test
    void aJobIsWonByOneCallerOnlyWhetherItsMarksShareABatchOrNot() throws Exception {
        String first = acceptedJob();
        String twice = acceptedJob();
        String alreadyStarted = startedJob();

        Future<Boolean> firstMark = holdFirstMark(first);
        List<Future<Boolean>> twiceMarks =
                List.of(pool.submit(() -> starts.mark(twice)), pool.submit(() -> starts.mark(twice)));
        Future<Boolean> startedMark = pool.submit(() -> starts.mark(alreadyStarted));
        await().atMost(Duration.ofSeconds(30)).until(() -> starts.queued() == 3);
        release.countDown();

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        long won = 0;
        for (Future<Boolean> mark : twiceMarks) {
            won += mark.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(won).as("callers that won the job queued twice in one batch").isEqualTo(1);
        assertThat(startedMark.get(30, TimeUnit.SECONDS))
                .as("a job whose submit was already started")
                .isFalse();
        assertThat(jobs.find(twice).orElseThrow().attempts()).isEqualTo(1);
        assertThat(jobs.find(alreadyStarted).orElseThrow().attempts()).isEqualTo(1);
        assertThat(starts.mark(twice)).as("a later mark of a started job").isFalse();
    }

    /** Starts the first mark and returns once it waits inside its statement, at its job's locked row. */
    private Future<Boolean> holdFirstMark(String first) throws InterruptedException {
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
        Future<Boolean> mark = pool.submit(() -> starts.mark(first));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("""
                                select count(*) from pg_stat_activity
                                 where wait_event_type = 'Lock' and query like '%set submit_started_at%'""").query(Integer.class).single() == 1);
        return mark;
    }

    private long transactionsThatMarked(List<String> ids) {
        return jdbc.sql("select count(distinct xmin::text) from generation_job where id in (:ids)")
                .param("ids", ids)
                .query(Long.class)
                .single();
    }
}
