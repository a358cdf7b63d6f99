package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * A group-committed submit-started mark whose statement commits on the server while its answer is
 * lost (the connection dropped before the client read it): every caller of the batch gets the
 * exception and none sends. Its marks are undone at once, so those jobs, provably never sent, are
 * sent by their next step instead of being taken for interrupted ({@code UNKNOWN}) a minute later
 * and held until their deadlines. Only that statement's marks are undone: a job marked by another
 * statement, whose caller may be sending it, keeps its mark; when the failed statement's time is not
 * its own (the clock read the same time for another mark of this node), nothing is undone.
 */
class SubmitStartedMarkUndoTest extends GroupCommitTest {

    @Autowired
    SubmitConnections connections;

    @Autowired
    JobDriver driver;

    @Test
    void theMarksOfAStatementWhoseAnswerWasLostAreUndoneAndItsJobsAreSentByTheirNextStep() throws Exception {
        String first = acceptedJob();
        List<String> lost = List.of(sendableJob(), acceptedJob(), acceptedJob());
        AnswerLost transitions = new AnswerLost(Set.copyOf(lost));
        SubmitStartedMarks starts = new SubmitStartedMarks(transitions, connections, clock);

        Future<Boolean> firstMark =
                holdFirstMark(first, () -> starts.mark(first).isPresent(), "set submit_started_at");
        List<Future<Boolean>> lostMarks = queuedBehindTheFirst(
                lost.stream()
                        .<Callable<Boolean>>map(id -> () -> starts.mark(id).isPresent())
                        .toList(),
                starts::queued);

        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lostMarks)
                .allSatisfy(mark -> assertThatThrownBy(() -> mark.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(DataAccessResourceFailureException.class));
        assertThat(transitions.committed)
                .as("the lost statement committed its marks")
                .containsExactlyInAnyOrderElementsOf(lost);
        assertThat(lost).allSatisfy(id -> {
            Job job = jobs.find(id).orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.RESERVED);
            assertThat(job.submitStartedAt()).as("mark undone").isNull();
            assertThat(job.attempts()).as("attempts as before the mark").isZero();
        });
        Job marked = jobs.find(first).orElseThrow();
        assertThat(marked.submitStartedAt()).as("the first statement's mark").isNotNull();
        assertThat(marked.attempts()).isEqualTo(1);

        driver.step(lost.get(0)); // the job's task, at its next run
        Job sent = jobs.find(lost.get(0)).orElseThrow();
        assertThat(sent.state()).isEqualTo(JobState.SUBMITTED);
        assertThat(sent.providerTaskId()).isNotNull();
        assertThat(sent.attempts()).isEqualTo(1);
    }

    /**
     * Jobs marked by earlier statements (grouped, or in a caller's own transaction) and queued again,
     * the job's task and this node's submitter at once, in a statement whose answer is lost: their
     * callers may be sending them, so their marks stand; the failed statement's own job is undone.
     */
    @Test
    void aFailedStatementUndoesItsOwnMarksOnlyNotThoseOfJobsQueuedAgain() throws Exception {
        clock.freeze();
        String grouped = acceptedJob();
        String inTransaction = acceptedJob();
        String first = acceptedJob();
        String lost = acceptedJob();
        AnswerLost transitions = new AnswerLost(Set.of(lost));
        SubmitStartedMarks starts = new SubmitStartedMarks(transitions, connections, clock);
        markedByEarlierStatements(starts, grouped, inTransaction);
        clock.advance(Duration.ofMillis(1));

        List<Future<Boolean>> failed = failedBehindAFirstStatement(
                starts, first, () -> clock.advance(Duration.ofMillis(1)), grouped, inTransaction, lost);

        assertThat(transitions.committed).containsExactly(lost);
        assertThat(failed)
                .allSatisfy(mark -> assertThatThrownBy(() -> mark.get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(DataAccessResourceFailureException.class));
        assertMarked(grouped, inTransaction, first);
        Job undone = jobs.find(lost).orElseThrow();
        assertThat(undone.submitStartedAt()).isNull();
        assertThat(undone.attempts()).isZero();
    }

    /**
     * The clock stopped: the failed statement reads the very time earlier marks of this node carry.
     * An undo by that time would take their marks away while their callers may be sending: nothing
     * is undone, and the failed statement's jobs take the interrupted path as before.
     */
    @Test
    void aFailedStatementWhoseTimeIsNotItsOwnUndoesNothing() throws Exception {
        clock.freeze();
        String grouped = acceptedJob();
        String inTransaction = acceptedJob();
        String first = acceptedJob();
        String lost = acceptedJob();
        AnswerLost transitions = new AnswerLost(Set.of(lost));
        SubmitStartedMarks starts = new SubmitStartedMarks(transitions, connections, clock);
        markedByEarlierStatements(starts, grouped, inTransaction);

        List<Future<Boolean>> failed =
                failedBehindAFirstStatement(starts, first, () -> {}, grouped, inTransaction, lost);

        assertThat(transitions.committed).containsExactly(lost);
        assertThat(failed)
                .allSatisfy(mark -> assertThatThrownBy(() -> mark.get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(DataAccessResourceFailureException.class));
        assertMarked(grouped, inTransaction, first, lost);
    }

    /**
     * A job queued in a statement and, at once, marked in a caller's own transaction (which does not
     * wait for the group's statement) at the very clock reading of that statement, before it writes:
     * the caller's transaction won the job. The statement then fails: its undo must not take that
     * mark away, its caller sends the job.
     */
    @Test
    void aMarkInACallersTransactionAtTheTimeOfAFailedStatementKeepsItsMark() throws Exception {
        clock.freeze();
        String first = acceptedJob();
        String meanwhile = acceptedJob();
        String lost = acceptedJob();
        SubmitStartedMarks[] starts = new SubmitStartedMarks[1];
        AnswerLost transitions = new AnswerLost(Set.of(lost)) {
            @Override
            Map<String, Integer> markSubmitStarted(Collection<String> ids, Instant now) {
                if (ids.contains(meanwhile) && ids.size() > 1) {
                    // after the statement read the clock, before it writes
                    OptionalInt won = tx.execute(status -> starts[0].mark(meanwhile));
                    assertThat(won).isPresent();
                }
                return super.markSubmitStarted(ids, now);
            }
        };
        starts[0] = new SubmitStartedMarks(transitions, connections, clock);

        List<Future<Boolean>> failed = failedBehindAFirstStatement(
                starts[0], first, () -> clock.advance(Duration.ofMillis(1)), meanwhile, lost);

        assertThat(transitions.committed).containsExactly(lost);
        assertThat(failed)
                .allSatisfy(mark -> assertThatThrownBy(() -> mark.get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(DataAccessResourceFailureException.class));
        assertMarked(first, meanwhile);
        assertThat(jobs.find(lost).orElseThrow().submitStartedAt()).isNull();
    }

    /** Marks {@code grouped} in a statement of its own and {@code inTransaction} in a caller's transaction. */
    private void markedByEarlierStatements(SubmitStartedMarks starts, String grouped, String inTransaction) {
        assertThat(starts.mark(grouped)).isPresent();
        OptionalInt ownTransaction = tx.execute(status -> starts.mark(inTransaction));
        assertThat(ownTransaction).isPresent();
    }

    /**
     * Marks {@code first} in a statement held at its row, runs {@code meanwhile}, and queues the marks
     * of {@code ids} behind it, so that they go in the next statement together; their outcomes.
     */
    private List<Future<Boolean>> failedBehindAFirstStatement(
            SubmitStartedMarks starts, String first, Runnable meanwhile, String... ids) throws Exception {
        Future<Boolean> firstMark =
                holdFirstMark(first, () -> starts.mark(first).isPresent(), "set submit_started_at");
        meanwhile.run();
        List<Future<Boolean>> failed = queuedBehindTheFirst(
                List.of(ids).stream()
                        .<Callable<Boolean>>map(id -> () -> starts.mark(id).isPresent())
                        .toList(),
                starts::queued);
        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> mark : failed) {
            try {
                mark.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // asserted by the caller
            }
        }
        return failed;
    }

    private void assertMarked(String... ids) {
        assertThat(List.of(ids)).allSatisfy(id -> {
            Job job = jobs.find(id).orElseThrow();
            assertThat(job.submitStartedAt()).as("mark of job " + id).isNotNull();
            assertThat(job.attempts()).isEqualTo(1);
        });
    }

    /**
     * The database fails the undo as well: its callers get the statement's own exception, the jobs
     * keep the marks it committed (taken for interrupted later, as before), and the log names them.
     */
    @Test
    void anUndoThatFailsLeavesTheMarksAndSaysSo() {
        String lost = acceptedJob();
        AnswerLost transitions = new AnswerLost(Set.of(lost)) {
            @Override
            List<String> unmarkSubmitStarted(Collection<String> ids, Instant at) {
                throw new DataAccessResourceFailureException("Connection refused");
            }
        };
        SubmitStartedMarks starts = new SubmitStartedMarks(transitions, connections, clock);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger log = (Logger) LoggerFactory.getLogger(SubmitStartedMarks.class);
        lines.start();
        log.addAppender(lines);
        try {
            assertThatThrownBy(() -> starts.mark(lost))
                    .isInstanceOf(DataAccessResourceFailureException.class)
                    .hasMessageContaining("sending to the backend");
        } finally {
            log.detachAppender(lines);
        }

        Job job = jobs.find(lost).orElseThrow();
        assertThat(job.submitStartedAt()).as("the lost statement's mark").isNotNull();
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(lines.list)
                .anyMatch(e -> e.getLevel() == Level.WARN
                        && e.getFormattedMessage().contains("could not be undone")
                        && e.getFormattedMessage().contains(lost));
    }

    /** A job as just accepted whose input the provider (the built-in simulator here) takes. */
    private String sendableJob() {
        String id = "rows-" + UUID.randomUUID();
        Instant now = clock.instant();
        jobs.insert(Job.accepted(
                id,
                new Job.Request(
                        1L,
                        AssetType.IMAGE,
                        "nano-banana",
                        "a lighthouse",
                        "{}",
                        "google/nano-banana",
                        "{\"prompt\":\"a lighthouse\"}",
                        10),
                "token",
                now,
                now.plus(Duration.ofHours(1))));
        return id;
    }

    /**
     * The real statement, then, when the batch holds one of {@code lost}, the exception a connection
     * dropped before its answer was read gives: committed on the server, unknown to the caller.
     */
    class AnswerLost extends JobTransitions {

        final Set<String> lostJobs;
        final Set<String> committed = ConcurrentHashMap.newKeySet();

        AnswerLost(Set<String> lost) {
            super(jdbc);
            this.lostJobs = lost;
        }

        @Override
        Map<String, Integer> markSubmitStarted(Collection<String> ids, Instant now) {
            Map<String, Integer> won = super.markSubmitStarted(ids, now);
            if (ids.stream().anyMatch(lostJobs::contains)) {
                committed.addAll(won.keySet());
                throw new DataAccessResourceFailureException("An I/O error occurred while sending to the backend.");
            }
            return won;
        }
    }
}
