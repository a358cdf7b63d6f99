package dev.renderbank.generation.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * <p>A statement that fails for its callers may still have committed (the connection dropped before
 * its answer was read): every caller of the batch gets the exception and none sends, yet the marks
 * would stand, and a minute later each job would be taken for interrupted ({@code UNKNOWN}) and hold
 * its credits and slots until its deadline. So the failed statement's marks are undone before any
 * caller learns of the failure ({@link JobTransitions#unmarkSubmitStarted}): those jobs were never
 * sent, and their next step sends them. The undo finds that statement's marks by their time, in jobs
 * still RESERVED, and runs only when no other mark written on this node can carry that time ({@link
 * #markAll}); it costs the success path nothing but one atomic update. Another node's marks carry its
 * own clock's time: a mark of the same job written there in the very same microsecond is the one case
 * the time cannot tell apart. An undo not run, or failed, is logged, and those jobs take the {@code
 * UNKNOWN} path as before.
 */
@Component
class SubmitStartedMarks {

    private static final Logger log = LoggerFactory.getLogger(SubmitStartedMarks.class);

    private final JobTransitions transitions;
    private final SubmitConnections connections;
    private final Clock clock;
    private final GroupCommit<String, OptionalInt> group = new GroupCommit<>(this::markAll);

    /** The latest time of a mark taken on this node, in microseconds since the epoch. */
    private final AtomicLong lastMark = new AtomicLong(Long.MIN_VALUE);

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
            // the caller's own transaction decides when it commits: others must not wait on it. Its
            // time is later than every mark's before it, so that no failed statement's undo (which
            // may be under way now, by a time already taken) can match its mark.
            long at = lastMark.accumulateAndGet(micros(), (last, now) -> Math.max(last + 1, now));
            return transitions.markSubmitStarted(jobId, ofMicros(at));
        }
        return group.submit(jobId);
    }

    /** Marks queued and not yet taken by a statement (for tests). */
    int queued() {
        return group.queued();
    }

    /**
     * One statement for the batch. Its time is the clock's, in the whole microseconds the column keeps;
     * when it is later than every mark's taken on this node before ({@code own}), no other mark of this
     * node carries it: not an earlier one, not a later one (the next statement waits for this one's
     * end, a mark in a caller's transaction takes a later time). Only then is a failed statement's
     * undo sure to touch its own marks alone; otherwise (a clock that did not move, or moved back) it
     * is not undone.
     */
    private void markAll(List<GroupCommit.Entry<String, OptionalInt>> batch) {
        List<String> ids = batch.stream().map(GroupCommit.Entry::item).toList();
        long now = micros();
        boolean own = lastMark.getAndAccumulate(now, Math::max) < now;
        Instant at = ofMicros(now);
        Map<String, Integer> won;
        try {
            won = connections.use(() -> transitions.markSubmitStarted(ids, at));
        } catch (RuntimeException e) {
            if (own) {
                undo(ids, at, e);
            } else {
                log.warn(
                        "submit-started marks of a failed statement ({}) not undone: another mark of this node may"
                                + " carry its time ({}); if it committed, its jobs are taken for interrupted (UNKNOWN)"
                                + " once their submit time is up: {}",
                        e.toString(),
                        at,
                        ids);
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

    private long micros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    }

    private static Instant ofMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /**
     * Undoes what the failed statement that wrote marks {@code at} may have committed, while its
     * callers still wait (each then gets {@code failure} and sends nothing). A mark with that time is
     * that statement's (no other mark of this node carries that time), and no caller learned it won
     * it, so none is sending its job. Best effort: an undo that fails leaves the jobs to be
     * taken for interrupted, as they were before there was an undo.
     */
    private void undo(List<String> ids, Instant at, RuntimeException failure) {
        try {
            List<String> undone = connections.use(() -> transitions.unmarkSubmitStarted(ids, at));
            if (!undone.isEmpty()) {
                log.warn(
                        "submit-started marks of {} job(s) committed by a statement that failed for its callers ({});"
                                + " undone, none was sent, each is sent by its next step: {}",
                        undone.size(),
                        failure.toString(),
                        undone);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.warn(
                    "submit-started marks of a failed statement ({}) could not be undone ({}); if that statement"
                            + " committed, its jobs are taken for interrupted (UNKNOWN) once their submit time is up: {}",
                    failure.toString(),
                    e.toString(),
                    ids);
        }
    }
}
