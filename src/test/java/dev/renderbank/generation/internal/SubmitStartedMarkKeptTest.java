package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.generation.JobState;
import dev.renderbank.provider.ProviderGateway;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * What the undo of a submit-started statement whose answer was lost must leave alone, so that no job is
 * sent twice: a job that moved on after that statement's mark (taken for interrupted, submitted, its
 * mark cleared and written again by another statement at the very same time) keeps what it has; and
 * when the undo cannot run (the database still unreachable, or the process killed before it), the
 * marks stand and the jobs take the interrupted path: never sent, released at their deadline.
 */
class SubmitStartedMarkKeptTest extends LostMarkAnswerTest {

    @Autowired
    ProviderGateway provider;

    @Test
    void aJobThatMovedOnAfterTheLostStatementsMarkKeepsWhatItHas() throws Exception {
        clock.freeze();
        String interrupted = acceptedJob();
        String submitted = acceptedJob();
        String markedAgain = acceptedJob();
        String own = acceptedJob();
        String first = acceptedJob();
        AtomicReference<UUID> lostMark = new AtomicReference<>();
        connections.afterLost = () -> {
            lostMark.set(markId(own));
            assertThat(transitions.markInterrupted(interrupted, 1, "submit attempt interrupted", clock.instant()))
                    .isTrue();
            assertThat(transitions.markSubmitted(submitted, "task-" + submitted, clock.instant()))
                    .isTrue();
            assertThat(transitions.clearSubmitStarted(markedAgain, 1)).isTrue();
            assertThat(transitions.markSubmitStarted(markedAgain, clock.instant()))
                    .hasValue(2);
        };

        lostBehindAFirstStatement(first, interrupted, submitted, markedAgain, own);

        assertThat(lostMark.get()).as("the lost statement's id").isNotNull();
        assertUnmarked(own, 1);
        assertMarked(interrupted, 1, lostMark.get());
        assertThat(jobs.find(interrupted).orElseThrow().state()).isEqualTo(JobState.UNKNOWN);
        assertMarked(submitted, 1, lostMark.get());
        assertThat(jobs.find(submitted).orElseThrow().state()).isEqualTo(JobState.SUBMITTED);
        assertThat(jobs.find(markedAgain).orElseThrow().submitStartedAt()).isEqualTo(clock.instant());
        assertThat(jobs.find(markedAgain).orElseThrow().attempts()).isEqualTo(2);
        assertThat(markId(markedAgain)).isNotNull().isNotEqualTo(lostMark.get());
    }

    /**
     * The database fails the undo as well (as it would be if the process died before it): its callers
     * get the statement's own exception, the job keeps the mark it committed, the log names it, and
     * nobody sends it: not before its submit time is up, and afterwards it is taken for interrupted.
     */
    @Test
    void anUndoThatFailsLeavesTheMarkAndTheJobIsNeverSent() {
        String job = sendableJob();
        connections.undoFails = true;
        connections.loseNext();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger log = (Logger) LoggerFactory.getLogger(SubmitStartedMarks.class);
        lines.start();
        log.addAppender(lines);
        try {
            assertThatThrownBy(() -> starts.mark(job))
                    .isInstanceOf(DataAccessResourceFailureException.class)
                    .hasMessageContaining("sending to the backend")
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        } finally {
            log.detachAppender(lines);
        }
        assertThat(lines.list)
                .anyMatch(e -> e.getLevel() == Level.WARN
                        && e.getFormattedMessage().contains("not known to be undone")
                        && e.getFormattedMessage().contains(job));
        assertThat(jobs.find(job).orElseThrow().submitStartedAt()).isNotNull();

        step(job);
        assertThat(jobs.find(job).orElseThrow().state()).isEqualTo(JobState.RESERVED);
        clock.advance(provider.submitTimeLimit().plus(JobDriver.SUBMIT_MARGIN).plus(Duration.ofSeconds(1)));
        step(job);

        Job after = jobs.find(job).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.UNKNOWN);
        assertThat(after.submitStartedAt()).isNotNull();
        assertThat(createdTasks(job)).isZero();
    }

    /**
     * The undo commits but its own answer is lost: the callers cannot tell, and nothing in the process
     * takes the job for unmarked; what the database holds decides, and the job is sent once.
     */
    @Test
    void anUndoWhoseAnswerIsLostStillLeavesTheJobToBeSentOnce() {
        String job = sendableJob();
        connections.undoAnswerLost = true;
        connections.loseNext();

        assertThatThrownBy(() -> starts.mark(job)).isInstanceOf(DataAccessResourceFailureException.class);

        assertUnmarked(job, 1);
        step(job);
        assertThat(jobs.find(job).orElseThrow().state()).isEqualTo(JobState.SUBMITTED);
        step(job); // polled now: never sent again
        assertThat(createdTasks(job)).isEqualTo(1);
    }
}
