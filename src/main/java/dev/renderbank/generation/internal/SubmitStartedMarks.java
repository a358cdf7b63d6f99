package dev.renderbank.generation.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
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
 * repeat) is not won and not sent, and a job queued twice in one batch is won once. Time of the mark:
 * when the statement runs, at or after each caller's start.
 *
 * <p>A statement that fails for its callers may still have committed (the connection dropped after
 * the server committed, before its answer was read): every caller of the batch gets the exception and
 * none sends, yet its marks would stand, and each job would be taken for interrupted ({@code UNKNOWN})
 * and hold its credits until its deadline. So before any caller learns of the failure, the marks that
 * statement left are undone ({@link SubmitStartedUndo}), found by the id each statement writes with its
 * marks (a random UUID of its own) in jobs still as its mark left them: no other mark (this node's,
 * another node's, an earlier process's) carries that id. Only an undo that committed frees a job; the
 * job's next step then sends it as any job never sent. An undo the database fails too is logged, and
 * those jobs take the {@code UNKNOWN} path (never sent, released at their deadline). A mark in a
 * caller's own transaction is not undone: that transaction decides what commits.
 */
@Component
class SubmitStartedMarks {

    private static final Logger log = LoggerFactory.getLogger(SubmitStartedMarks.class);

    private final JobTransitions transitions;
    private final SubmitConnections connections;
    private final Clock clock;
    private final SubmitStartedUndo undoes;
    private final GroupCommit<String, OptionalInt> group = new GroupCommit<>(this::markAll);

    SubmitStartedMarks(
            JobTransitions transitions, SubmitConnections connections, Clock clock, SubmitStartedUndo undoes) {
        this.transitions = transitions;
        this.connections = connections;
        this.clock = clock;
        this.undoes = undoes;
    }

    /**
     * Marks the start of the job's one submit attempt, committed when this returns; the attempt's
     * number (it names this attempt's mark), empty: not won.
     */
    OptionalInt mark(String jobId) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // the caller's own transaction decides when it commits: others must not wait on it (and
            // what it commits: a failure there is not undone here)
            return transitions.markSubmitStarted(jobId, clock.instant());
        }
        return group.submit(jobId);
    }

    /** Marks queued and not yet taken by a statement (for tests). */
    int queued() {
        return group.queued();
    }

    private void markAll(List<GroupCommit.Entry<String, OptionalInt>> batch) {
        List<String> ids = batch.stream().map(GroupCommit.Entry::item).toList();
        UUID statement = UUID.randomUUID();
        AtomicReference<Instant> at = new AtomicReference<>();
        Map<String, Integer> won;
        try {
            won = connections.use(() -> {
                at.set(clock.instant());
                return transitions.markSubmitStarted(ids, at.get(), statement);
            });
        } catch (RuntimeException e) {
            // not run, or no connection to run it on: nothing was sent to the server, nothing to undo
            if (at.get() != null && !(e instanceof CannotGetJdbcConnectionException)) {
                undo(ids, at.get(), statement, e);
            }
            throw e;
        }
        // a job queued twice (its task and this node's submitter at once) is won by one of them only
        Map<String, Integer> left = new HashMap<>(won);
        batch.forEach(e -> {
            Integer attempt = left.remove(e.item());
            e.outcome().complete(attempt == null ? OptionalInt.empty() : OptionalInt.of(attempt));
        });
    }

    /**
     * Undoes what the failed statement {@code statement} may have committed, while its callers still
     * wait (each then gets {@code failure} and sends nothing). An undo that fails (the database still
     * unreachable) leaves the jobs to be taken for interrupted; if it committed all the same (its own
     * answer lost), they are sent by their next step: either way nobody sends on the failed statement.
     */
    private void undo(List<String> ids, Instant at, UUID statement, RuntimeException failure) {
        try {
            List<String> undone = connections.use(() -> undoes.undo(ids, at, statement));
            if (!undone.isEmpty()) {
                log.warn(
                        "submit-started marks of {} job(s) written by a statement that failed for its callers ({});"
                                + " undone, none was sent, each is sent by its next step: {}",
                        undone.size(),
                        failure.toString(),
                        undone);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.warn(
                    "submit-started marks of a failed statement ({}) not known to be undone ({}); a job it marked"
                            + " and no undo cleared is taken for interrupted (UNKNOWN) once its submit time is up, never"
                            + " sent, and released at its deadline; one without a mark is sent by its next step: {}",
                    failure.toString(),
                    e.toString(),
                    ids);
        }
    }
}
