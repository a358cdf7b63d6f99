package dev.renderbank.generation.internal;

import dev.renderbank.generation.internal.JobDriver.TaskMove;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits the SUBMITTED marks of submits that finished together in one transaction (issue 15: "batch
 * marks after a batch of submits"): one WAL flush for many jobs instead of one each. A group commit
 * ({@link GroupCommit}): each caller queues its mark and waits for the lock; whoever gets it commits
 * every mark queued so far, its own included, so marks that arrive while a commit is under way go
 * together in the next one, and a lone mark is committed at once (no waiting for company).
 *
 * <p>Safe to delay and to batch: the submit-started mark, committed before the provider was called,
 * is what keeps a job from being sent twice, and no money moves at SUBMITTED. Each mark is still the
 * job's compare-and-set with its task's move, in the one transaction. When a batch fails (one mark
 * refused, say a task id already named by another job), its marks are retried one transaction each,
 * so one bad mark never undoes the others; a mark that fails alone too (the database gone for a
 * moment) is its caller's to try again ({@link AnswerWrites}). A mark refused by the task's key is
 * tried once more alone, a lone one too: the job that named the task may have committed meanwhile,
 * seen by the next statement, which takes the task over if that job named it only from an unclear
 * answer ({@link JobTransitions#markSubmitted}); refused again, it is the operators' ({@link
 * TaskClaims}). The thread that commits a batch commits the other threads' marks too: an interrupt of
 * its own never fails theirs.
 */
@Component
class SubmittedMarks {

    private static final Logger log = LoggerFactory.getLogger(SubmittedMarks.class);

    private record Mark(String jobId, String providerTaskId, Instant at, Instant next, TaskMove move) {}

    private final JobTransitions transitions;
    private final TaskRecords tasks;
    private final TransactionTemplate tx;
    private final SubmitConnections connections;
    private final LateDeliveries late;
    private final TaskClaims claims;
    private final GroupCommit<Mark, Boolean> group = new GroupCommit<>(this::commitAll);

    SubmittedMarks(
            JobTransitions transitions,
            TaskRecords tasks,
            TransactionTemplate tx,
            SubmitConnections connections,
            LateDeliveries late,
            TaskClaims claims) {
        this.transitions = transitions;
        this.claims = claims;
        this.tasks = tasks;
        this.late = late;
        this.tx = tx;
        this.connections = connections;
    }

    /**
     * Marks the job SUBMITTED as provider task {@code providerTaskId} and moves its task to {@code
     * next}, committed when this returns; true when this caller won the job's compare-and-set.
     */
    boolean commit(String jobId, String providerTaskId, Instant at, Instant next, TaskMove move) {
        Mark mark = new Mark(jobId, providerTaskId, at, next, move);
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // the caller's own transaction decides: others' marks must not wait on its fate
            return apply(mark);
        }
        return group.submit(mark);
    }

    /** Marks queued and not yet taken by a commit (for tests). */
    int queued() {
        return group.queued();
    }

    private void commitAll(List<GroupCommit.Entry<Mark, Boolean>> queued) {
        List<GroupCommit.Entry<Mark, Boolean>> batch = new ArrayList<>(queued);
        // one order for every batch, so two transactions never wait for each other's rows
        batch.sort(Comparator.comparing(e -> e.item().jobId()));
        try {
            // one connection for the batch, within the submit path's share
            List<Boolean> won = connections.use(() -> tx.execute(
                    status -> batch.stream().map(e -> apply(e.item())).toList()));
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).outcome().complete(won.get(i));
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1 && !(e instanceof DuplicateKeyException)) {
                throw e;
            }
            // an interrupt that came to this thread during the batch (it failed its wait for a
            // connection) must not fail the others' marks either: cleared for each, given back after
            boolean interrupted = false;
            for (GroupCommit.Entry<Mark, Boolean> alone : batch) {
                interrupted |= Thread.interrupted();
                try {
                    alone.outcome().complete(connections.use(() -> tx.execute(status -> apply(alone.item()))));
                } catch (RuntimeException refused) {
                    if (refused instanceof DuplicateKeyException) {
                        claims.refused(
                                alone.item().jobId(), alone.item().providerTaskId(), "its clear createTask answer");
                    }
                    alone.outcome().completeExceptionally(refused);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** In the mark's job's log context: a batch's marks are applied by whichever thread commits them. */
    private boolean apply(Mark m) {
        try (var logContext = JobLogContext.ofId(m.jobId())) {
            return applyIn(m);
        }
    }

    private boolean applyIn(Mark m) {
        boolean won = transitions.markSubmitted(m.jobId(), m.providerTaskId(), m.at());
        if (!won && tasks.recordTaskOfFailedJob(m.jobId(), m.providerTaskId(), false, m.at())) {
            // The job failed (deadline, operator, account deletion) while its submit was in flight: the
            // provider works on this task all the same (and bills it). Recorded, so that its callback,
            // a reconciliation or an operator finds it, and asked about later: its result is the
            // user's, free of charge (a late delivery), and nothing is charged or released again.
            log.warn(
                    "job {} failed while its submit was in flight; provider task {} recorded, its result is"
                            + " fetched as a free late delivery",
                    m.jobId(),
                    m.providerTaskId());
            late.checkLater(m.jobId());
        }
        m.move().to(m.next());
        return won;
    }
}
