package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.internal.JobDriver.TaskMove;
import dev.renderbank.provider.SubmitOutcome;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Issue 15: on the job task's own run (its task moves when the run ends, {@link TaskMove#NONE}) an
 * UNKNOWN mark of an answer that names no task is one statement, committed alone: no transaction is
 * opened around it (a BEGIN and a COMMIT more on the submit path). With a task to move, or with a task
 * the answer names (the mark and the task's record commit together), one transaction. Counted by the
 * transaction manager's own lines, on this thread.
 */
class UnknownMarkTransactionsTest extends JobRowsTest {

    @Autowired
    UnknownMarks unknowns;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Logger manager;
    private Level level;

    @BeforeEach
    void countTransactions() {
        manager = (Logger) LoggerFactory.getLogger(tx.getTransactionManager().getClass());
        level = manager.getLevel();
        manager.setLevel(Level.DEBUG);
        lines.start();
        manager.addAppender(lines);
    }

    @AfterEach
    void stopCounting() {
        manager.detachAppender(lines);
        manager.setLevel(level);
    }

    @Test
    void anUnknownMarkNamingNoTaskOnTheTasksOwnRunOpensNoTransaction() {
        String id = startedJob();

        unknowns.record(job(id), new SubmitOutcome.Unknown("HTTP 503"), clock.instant(), later(), TaskMove.NONE);

        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(transactionsOpenedHere()).isZero();
    }

    @Test
    void anUnknownMarkWithATaskMoveIsOneTransactionWithTheMove() {
        String id = startedJob();
        AtomicBoolean movedInTransaction = new AtomicBoolean();

        unknowns.record(
                job(id),
                new SubmitOutcome.Unknown("HTTP 503"),
                clock.instant(),
                later(),
                next -> movedInTransaction.set(TransactionSynchronizationManager.isActualTransactionActive()));

        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(movedInTransaction).isTrue();
        assertThat(transactionsOpenedHere()).isEqualTo(1);
    }

    @Test
    void anUnknownMarkNamingATaskCommitsTheMarkAndTheTaskTogether() {
        String id = startedJob();

        unknowns.record(
                job(id),
                new SubmitOutcome.Unknown("HTTP 503", Optional.of("task-" + id)),
                clock.instant(),
                later(),
                TaskMove.NONE);

        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId()).isEqualTo("task-" + id);
        assertThat(transactionsOpenedHere()).isEqualTo(1);
    }

    private Job job(String id) {
        return jobs.find(id).orElseThrow();
    }

    private Instant later() {
        return clock.instant().plusSeconds(30);
    }

    private long transactionsOpenedHere() {
        String thread = Thread.currentThread().getName();
        return lines.list.stream()
                .filter(e -> thread.equals(e.getThreadName()))
                .filter(e -> e.getFormattedMessage().startsWith("Creating new transaction"))
                .count();
    }
}
