package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 15: the submit-started marks of submits that start while another mark is being committed
 * are committed together, in one statement (one WAL flush), and each caller still learns whether it
 * won its job's one submit attempt only from the committed compare-and-set: a job already started, or
 * queued twice in one batch, is won once. The first mark is held at its job's row (locked here) so
 * that the others queue behind it for certain; a mark's transaction is its job row's {@code xmin}.
 */
class SubmitStartedMarksTest extends GroupCommitTest {

    @Autowired
    SubmitStartedMarks starts;

    @Test
    void marksThatStartWhileAnotherIsCommittingAreCommittedTogether() throws Exception {
        String first = acceptedJob();
        List<String> later = List.of(acceptedJob(), acceptedJob(), acceptedJob(), acceptedJob(), acceptedJob());

        Future<Boolean> firstMark = holdFirstMark(first);
        List<Future<Boolean>> laterMarks = queuedBehindTheFirst(
                later.stream()
                        .<Callable<Boolean>>map(id -> () -> starts.mark(id).isPresent())
                        .toList(),
                starts::queued);

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(outcomes(laterMarks)).containsOnly(true);
        assertThat(later).allSatisfy(id -> {
            Job job = jobs.find(id).orElseThrow();
            assertThat(job.submitStartedAt()).isNotNull();
            assertThat(job.attempts()).isEqualTo(1);
        });
        assertCommittedTogetherAfterTheFirst("generation_job", "id", first, later);
    }

    @Test
    void aJobIsWonByOneCallerOnlyWhetherItsMarksShareABatchOrNot() throws Exception {
        String first = acceptedJob();
        String twice = acceptedJob();
        String alreadyStarted = startedJob();

        Future<Boolean> firstMark = holdFirstMark(first);
        List<Boolean> later = outcomes(queuedBehindTheFirst(
                List.<Callable<Boolean>>of(
                        () -> starts.mark(twice).isPresent(),
                        () -> starts.mark(twice).isPresent(),
                        () -> starts.mark(alreadyStarted).isPresent()),
                starts::queued));

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(later.subList(0, 2))
                .as("callers that won the job queued twice in one batch")
                .containsExactlyInAnyOrder(true, false);
        assertThat(later.get(2)).as("a job whose submit was already started").isFalse();
        assertThat(jobs.find(twice).orElseThrow().attempts()).isEqualTo(1);
        assertThat(jobs.find(alreadyStarted).orElseThrow().attempts()).isEqualTo(1);
        assertThat(starts.mark(twice)).as("a later mark of a started job").isEmpty();
    }

    /** Starts the first mark and returns once it waits inside its statement, at its job's locked row. */
    private Future<Boolean> holdFirstMark(String first) throws InterruptedException {
        return holdFirstMark(first, () -> starts.mark(first).isPresent(), "set submit_started_at");
    }
}
