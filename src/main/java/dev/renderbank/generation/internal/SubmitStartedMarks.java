package dev.renderbank.generation.internal;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Commits the submit-started marks of submits that start together in one statement (issue 15: one
 * commit, one WAL flush, for many jobs instead of one each; the SUBMITTED marks are grouped the same
 * way by {@link SubmittedMarks}): a {@link GroupCommit} whose write is one compare-and-set statement
 * in autocommit for every job queued, so a lone mark is committed at once.
 *
 * <p>The guarantee is unchanged: a caller learns it won its job's mark only once the mark is
 * committed, and only then sends the job to the provider; a job already started (by its task, or by a
 * repeat) is not won and not sent, and a job queued twice in one batch is won once. A failed statement
 * committed nothing: no caller sends. Time of the mark: when the statement runs, at or after each
 * caller's start.
 */
@Component
class SubmitStartedMarks {

    private final JobTransitions transitions;
    private final SubmitConnections connections;
    private final Clock clock;
    private final GroupCommit<String, OptionalInt> group = new GroupCommit<>(this::markAll);

    SubmitStartedMarks(JobTransitions transitions, SubmitConnections connections, Clock clock) {
        this.transitions = transitions;
        this.connections = connections;
        this.clock = clock;
    }

    /**
     * Marks the start of the job's one submit attempt, committed when this returns; the attempt's
     * number (it names this attempt's mark), empty: not won.
     */
    OptionalInt mark(String jobId) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // the caller's own transaction decides when it commits: others must not wait on it
            return transitions.markSubmitStarted(jobId, clock.instant());
        }
        return group.submit(jobId);
    }

    /** Marks queued and not yet taken by a statement (for tests). */
    int queued() {
        return group.queued();
    }

    private void markAll(List<GroupCommit.Entry<String, OptionalInt>> batch) {
        Map<String, Integer> won = connections.use(() -> transitions.markSubmitStarted(
                batch.stream().map(GroupCommit.Entry::item).toList(), clock.instant()));
        // a job queued twice (its task and this node's submitter at once) is won by one of them only
        Map<String, Integer> left = new HashMap<>(won);
        batch.forEach(e -> {
            Integer attempt = left.remove(e.item());
            e.outcome().complete(attempt == null ? OptionalInt.empty() : OptionalInt.of(attempt));
        });
    }
}
