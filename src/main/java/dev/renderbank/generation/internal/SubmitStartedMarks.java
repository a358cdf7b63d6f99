package dev.renderbank.generation.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Commits the submit-started marks of submits that start together in one statement (issue 15: one
 * commit, one WAL flush, for many jobs instead of one each; the SUBMITTED marks are grouped the same
 * way by {@link SubmittedMarks}). Each caller queues its job and waits for the lock; whoever gets it
 * marks every job queued so far, its own included, with one compare-and-set statement in autocommit,
 * so a lone mark is committed at once (no waiting for company).
 *
 * <p>The guarantee is unchanged: a caller learns it won its job's mark only once the mark is
 * committed, and only then sends the job to the provider; a job already started (by its task, or by a
 * repeat) is not won and not sent. Time of the mark: when the statement runs, at or after each
 * caller's start.
 */
@Component
class SubmitStartedMarks {

    private record Queued(String jobId, CompletableFuture<Boolean> won) {}

    private final JobTransitions transitions;
    private final SubmitConnections connections;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Queued> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock committing = new ReentrantLock();

    SubmitStartedMarks(JobTransitions transitions, SubmitConnections connections, Clock clock) {
        this.transitions = transitions;
        this.connections = connections;
        this.clock = clock;
    }

    /** Marks the start of the job's one submit attempt, committed when this returns; false: not won. */
    boolean mark(String jobId) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // the caller's own transaction decides when it commits: others must not wait on it
            return transitions.markSubmitStarted(jobId, clock.instant());
        }
        Queued mine = new Queued(jobId, new CompletableFuture<>());
        queued.add(mine);
        committing.lock();
        try {
            if (!mine.won().isDone()) {
                markQueued();
            }
        } finally {
            committing.unlock();
        }
        try {
            return mine.won().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Marks queued and not yet taken by a statement (for tests). */
    int queued() {
        return queued.size();
    }

    private void markQueued() {
        List<Queued> batch = new ArrayList<>();
        for (Queued q = queued.poll(); q != null; q = queued.poll()) {
            batch.add(q);
        }
        try {
            Set<String> won = connections.use(() -> transitions.markSubmitStarted(
                    batch.stream().map(Queued::jobId).toList(), clock.instant()));
            // a job queued twice (its task and this node's submitter at once) is won by one of them only
            Set<String> left = new HashSet<>(won);
            batch.forEach(q -> q.won().complete(left.remove(q.jobId())));
        } catch (RuntimeException e) {
            // nothing of the statement was committed: no caller sends, each one's task takes over
            batch.forEach(q -> q.won().completeExceptionally(e));
        } finally {
            // an Error on the way: no caller waits for ever
            batch.forEach(q -> q.won().completeExceptionally(new IllegalStateException("mark not committed")));
        }
    }
}
