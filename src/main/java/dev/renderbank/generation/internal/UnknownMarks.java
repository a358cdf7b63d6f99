package dev.renderbank.generation.internal;

import dev.renderbank.generation.JobEvents;
import dev.renderbank.generation.internal.JobDriver.TaskMove;
import dev.renderbank.provider.SubmitOutcome;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Records a submit whose answer leaves open whether the provider created a task ({@link
 * SubmitOutcome.Unknown}): the job becomes UNKNOWN, never sent again (SPEC section 4), and its task
 * moves to {@code next} with it, one commit ({@link TaskMoves}).
 *
 * <p>When the answer names a task all the same (a gateway's 503 around KIE's success, say), the job
 * records it with the mark: the provider may have created that task and billed it. An UNKNOWN job
 * with a task is then asked about as a submitted one is ({@link JobDriver#step}), and its callback
 * finds it: a record in state success is copied and charged once, a failed one releases it, and a
 * task KIE does not know leaves it UNKNOWN until its deadline, which fails it and asks for a late
 * result ({@link LateDeliveries}). The body may have been another request's (a proxy that mixed
 * answers): while no record of the task was read, a callback to the job's own URL naming another
 * task wins ({@link ProviderCallbackHandling}), and one that came first keeps its task (this answer's
 * is then not recorded). A job taken for interrupted meanwhile (UNKNOWN without a task)
 * records it too; one already failed (deadline, operator) records it and asks for its result later,
 * as {@link SubmittedMarks} does for an accepted task. Every write is a compare-and-set, and one the
 * database fails is tried again ({@link AnswerWrites}) as an accepted task's is: only this process
 * knows the id.
 */
@Component
class UnknownMarks {

    private static final Logger log = LoggerFactory.getLogger(UnknownMarks.class);

    private final JobTransitions transitions;
    private final TaskRecords tasks;
    private final TaskMoves moves;
    private final LateDeliveries late;
    private final AnswerWrites answers;
    private final JobEvents events;

    UnknownMarks(
            JobTransitions transitions,
            TaskRecords tasks,
            TaskMoves moves,
            LateDeliveries late,
            AnswerWrites answers,
            JobEvents events) {
        this.transitions = transitions;
        this.tasks = tasks;
        this.moves = moves;
        this.late = late;
        this.answers = answers;
        this.events = events;
    }

    /** Marks the job UNKNOWN (with the task the answer names, if any) and moves its task to {@code next}. */
    void record(Job job, SubmitOutcome.Unknown unknown, Instant at, Instant next, TaskMove move) {
        String why = unknown.why();
        if (unknown.providerTaskId().isEmpty()) {
            if (moves.one(() -> transitions.markUnknown(job.id(), why, at), next, move)) {
                log.warn("job {}: submit outcome unknown ({}); waiting for callback or deadline", job.id(), why);
                events.changed(job.id());
            }
            return;
        }
        String task = unknown.providerTaskId().get();
        answers.store(
                job,
                "provider task " + task + " named by an unclear answer",
                () -> markWithTask(job, why, task, at, next, move),
                () -> {
                    log.warn(
                            "job {}: submit outcome unknown ({}); never sent again, the task it named, {}, is asked"
                                    + " about until a callback, its record or the deadline resolves the job",
                            job.id(),
                            why,
                            task);
                    events.changed(job.id());
                });
    }

    /** True when the job changed: marked UNKNOWN now, or its task recorded. */
    private boolean markWithTask(Job job, String why, String task, Instant at, Instant next, TaskMove move) {
        try {
            return moves.together(
                    () -> {
                        boolean marked = transitions.markUnknown(job.id(), why, at);
                        if (tasks.recordTaskOfUnknownJob(job.id(), task, at)) {
                            return true;
                        }
                        if (marked) {
                            return true;
                        }
                        if (tasks.recordTaskOfFailedJob(job.id(), task, true, at)) {
                            // failed (deadline, operator, account deletion) while its submit was in flight
                            log.warn(
                                    "job {} failed while its submit was in flight; provider task {}, named by its"
                                            + " unclear answer, recorded: its result is fetched as a free late delivery",
                                    job.id(),
                                    task);
                            late.checkLater(job.id());
                        } else {
                            // its callback came first (ProviderCallbackHandling): the provider's word stands
                            log.info(
                                    "job {}: provider task {}, named by its submit's unclear answer, not recorded:"
                                            + " the job has a task already (its callback named one first) or ended",
                                    job.id(),
                                    task);
                        }
                        return false;
                    },
                    next,
                    move);
        } catch (DuplicateKeyException e) {
            if (TransactionSynchronizationManager.isActualTransactionActive()) {
                throw e; // the caller's transaction cannot go on after the refused statement
            }
            // the task's key refused it: another job names it (a proxy's copy of another answer)
            log.warn(
                    "job {}: createTask's unclear answer names task {}, which is another job's: not recorded",
                    job.id(),
                    task);
            return moves.one(() -> transitions.markUnknown(job.id(), why, at), next, move);
        }
    }
}
