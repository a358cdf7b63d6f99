package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.JobState;
import dev.renderbank.generation.internal.JobDriver.TaskMove;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Issue 15: the SUBMITTED marks of submits that finish while another mark is being committed are
 * committed together, in one transaction (one WAL flush), and one refused mark does not undo the
 * others. The first mark is held at its job's row (locked here) so that the others queue behind it
 * for certain; each mark's transaction is the one that inserted its task's row (that row's xmin).
 */
class SubmittedMarksTest extends JobRowsTest {

    @Autowired
    SubmittedMarks marks;

    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    @Test
    void marksThatFinishWhileAnotherIsCommittingAreCommittedTogether() throws Exception {
        String first = startedJob();
        List<String> later = List.of(startedJob(), startedJob(), startedJob(), startedJob(), startedJob());

        Future<Boolean> firstMark = holdFirstMark(first);
        List<Future<Boolean>> laterMarks = new ArrayList<>();
        for (String id : later) {
            laterMarks.add(
                    pool.submit(() -> marks.commit(id, "task-" + id, clock.instant(), clock.instant(), TaskMove.NONE)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> marks.queued() == later.size());
        release.countDown();

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> mark : laterMarks) {
            assertThat(mark.get(30, TimeUnit.SECONDS)).isTrue();
        }
        List<String> all = new ArrayList<>(later);
        all.add(first);
        assertThat(all)
                .allSatisfy(
                        id -> assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.SUBMITTED));
        assertThat(transactionsThatMarked(later))
                .as("transactions that marked the later jobs")
                .isEqualTo(1);
        assertThat(transactionsThatMarked(all))
                .as("transactions that marked all six")
                .isEqualTo(2);
    }

    @Test
    void aRefusedMarkDoesNotUndoTheOthersOfItsBatch() throws Exception {
        String submitted = startedJob();
        assertThat(marks.commit(submitted, "task-taken-" + submitted, clock.instant(), clock.instant(), TaskMove.NONE))
                .isTrue();
        String first = startedJob();
        String refused = startedJob();
        List<String> fine = List.of(startedJob(), startedJob());

        Future<Boolean> firstMark = holdFirstMark(first);
        Future<Boolean> refusedMark = pool.submit(() ->
                marks.commit(refused, "task-taken-" + submitted, clock.instant(), clock.instant(), TaskMove.NONE));
        List<Future<Boolean>> fineMarks = new ArrayList<>();
        for (String id : fine) {
            fineMarks.add(
                    pool.submit(() -> marks.commit(id, "task-" + id, clock.instant(), clock.instant(), TaskMove.NONE)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> marks.queued() == 1 + fine.size());
        release.countDown();

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> mark : fineMarks) {
            assertThat(mark.get(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThatThrownBy(() -> refusedMark.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(DataIntegrityViolationException.class);
        assertThat(fine)
                .allSatisfy(
                        id -> assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.SUBMITTED));
        assertThat(jobs.find(refused).orElseThrow().state()).isEqualTo(JobState.RESERVED);
    }

    /** Starts the first mark and returns once it waits inside its commit, at its job's locked row. */
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
        Future<Boolean> mark = pool.submit(
                () -> marks.commit(first, "task-" + first, clock.instant(), clock.instant(), TaskMove.NONE));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("""
                                select count(*) from pg_stat_activity
                                 where wait_event_type = 'Lock' and query like '%insert into generation_provider_task%'""").query(Integer.class).single() == 1);
        return mark;
    }

    private long transactionsThatMarked(List<String> ids) {
        return jdbc.sql("select count(distinct xmin::text) from generation_provider_task where job_id in (:ids)")
                .param("ids", ids)
                .query(Long.class)
                .single();
    }
}
