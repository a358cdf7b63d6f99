package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.JobState;
import dev.renderbank.generation.internal.JobDriver.TaskMove;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Issue 15: the SUBMITTED marks of submits that finish while another mark is being committed are
 * committed together, in one transaction (one WAL flush), and one refused mark does not undo the
 * others. The first mark is held at its job's row (locked here) so that the others queue behind it
 * for certain; each mark's transaction is the one that inserted its task's row (that row's xmin).
 */
class SubmittedMarksTest extends GroupCommitTest {

    @Autowired
    SubmittedMarks marks;

    @Test
    void marksThatFinishWhileAnotherIsCommittingAreCommittedTogether() throws Exception {
        String first = startedJob();
        List<String> later = List.of(startedJob(), startedJob(), startedJob(), startedJob(), startedJob());

        Future<Boolean> firstMark = holdFirstMark(first);
        List<Future<Boolean>> laterMarks = queuedBehindTheFirst(
                later.stream()
                        .<Callable<Boolean>>map(id ->
                                () -> marks.commit(id, "task-" + id, clock.instant(), clock.instant(), TaskMove.NONE))
                        .toList(),
                marks::queued);

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(outcomes(laterMarks)).containsOnly(true);
        assertThat(later)
                .allSatisfy(
                        id -> assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.SUBMITTED));
        assertCommittedTogetherAfterTheFirst("generation_provider_task", "job_id", first, later);
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

    /**
     * The thread that commits a batch was interrupted while it waited for its turn (its submit pool
     * shut down): the other threads' marks it carries are committed all the same, its own too, and it
     * keeps its interrupt.
     */
    @Test
    void anInterruptedCommitterStillCommitsTheOtherMarksOfItsBatch() throws Exception {
        String first = startedJob();
        String interrupted = startedJob();
        List<String> others = List.of(startedJob(), startedJob());

        Future<Boolean> firstMark = holdFirstMark(first);
        CompletableFuture<Boolean> interruptedMark = new CompletableFuture<>();
        AtomicBoolean keptItsInterrupt = new AtomicBoolean();
        Thread committer = new Thread(() -> {
            try {
                interruptedMark.complete(marks.commit(
                        interrupted, "task-" + interrupted, clock.instant(), clock.instant(), TaskMove.NONE));
                keptItsInterrupt.set(Thread.currentThread().isInterrupted());
            } catch (RuntimeException e) {
                interruptedMark.completeExceptionally(e);
            }
        });
        committer.start();
        // queued and waiting for the lock before the others come: the first to take it next, so the
        // one that commits their marks
        await().atMost(Duration.ofSeconds(30))
                .until(() -> marks.queued() == 1 && committer.getState() == Thread.State.WAITING);
        committer.interrupt();
        List<Future<Boolean>> otherMarks = queuedBehindTheFirst(
                others.stream()
                        .<Callable<Boolean>>map(id ->
                                () -> marks.commit(id, "task-" + id, clock.instant(), clock.instant(), TaskMove.NONE))
                        .toList(),
                () -> marks.queued() - 1);

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(outcomes(otherMarks)).containsOnly(true);
        assertThat(interruptedMark.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keptItsInterrupt).isTrue();
        assertThat(Stream.concat(others.stream(), Stream.of(interrupted)))
                .allSatisfy(
                        id -> assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.SUBMITTED));
        assertCommittedTogetherAfterTheFirst(
                "generation_provider_task", "job_id", first, List.of(interrupted, others.get(0), others.get(1)));
    }

    /** Starts the first mark and returns once it waits inside its commit, at its job's locked row. */
    private Future<Boolean> holdFirstMark(String first) throws InterruptedException {
        return holdFirstMark(
                first,
                () -> marks.commit(first, "task-" + first, clock.instant(), clock.instant(), TaskMove.NONE),
                // the statement's first line: pg_stat_activity keeps only its first 1,024 bytes
                // (track_activity_query_size), and the insert comes after that
                "update generation_job set state = 'SUBMITTED'");
    }
}
