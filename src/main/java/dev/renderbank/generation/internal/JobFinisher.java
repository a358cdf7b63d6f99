package dev.renderbank.generation.internal;

import dev.renderbank.generation.GenerationFailed;
import dev.renderbank.generation.GenerationSucceeded;
import dev.renderbank.generation.JobEvents;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.ReleaseResult;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.platform.StorableText;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The only place a job reaches a terminal state. The compare-and-set on {@code state}, the capture
 * or release of its hold and the {@link GenerationSucceeded} / {@link GenerationFailed} event happen
 * in one transaction, so whichever path brings the news (callback, poll, sweeper) finishes the job,
 * moves its credits and tells the rest of the application exactly once.
 *
 * <p>Every finish enters here. The ones without a charge (failure, cancel, with their late-result
 * check) are done here; a delivered result's (capture, free late delivery, discard) is {@link
 * DeliveredResults}'. Either way the job is charged or released exactly once: each side wins by a
 * compare-and-set on the job's state ({@link JobTransitions}) before it moves any credits. What
 * operators count of a finish is {@link FinishMeters}'. What a won finish tells outside the database
 * (the meters, this node's event streams) waits for the transaction that holds the finish to commit
 * ({@link #afterCommit}), on both sides: a caller's, such as an operator's audited "fail", may still
 * roll it back.
 */
@Component
public class JobFinisher {

    private static final Logger log = LoggerFactory.getLogger(JobFinisher.class);

    private final JobTransitions transitions;
    private final LimitStore limits;
    private final Ledger ledger;
    private final DurableEvents durableEvents;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final JobEvents events;
    private final FinishMeters meters;
    private final LateDeliveries late;
    private final DeliveredResults results;

    JobFinisher(
            JobTransitions transitions,
            LimitStore limits,
            Ledger ledger,
            DurableEvents durableEvents,
            TransactionTemplate tx,
            Clock clock,
            JobEvents events,
            FinishMeters meters,
            LateDeliveries late,
            DeliveredResults results) {
        this.transitions = transitions;
        this.limits = limits;
        this.ledger = ledger;
        this.durableEvents = durableEvents;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
        this.meters = meters;
        this.late = late;
        this.results = results;
    }

    /** The longest failure message kept (it may quote the provider's own words). */
    static final int MAX_MESSAGE = 2000;

    /**
     * Releases the job's credits; {@code notUsersFault} also gives the user's cooldown back. The message
     * may quote the provider: it is kept as PostgreSQL can store it (no NUL), at most {@link
     * #MAX_MESSAGE} characters, so that odd words of the provider never keep a job from failing.
     */
    boolean fail(Job job, String code, String message, boolean notUsersFault) {
        try (var logContext = JobLogContext.of(job)) {
            return failInContext(job, null, code, StorableText.of(message, MAX_MESSAGE), notUsersFault);
        }
    }

    /**
     * {@link #fail} for what a poll of the job's task ({@code job.providerTaskId()}) found: only while
     * the job still names that task. A job that named it from an unclear answer may have given it up to
     * the job it was created for while the poll was under way; that task's failure is not this job's.
     */
    boolean failPolled(Job job, String code, String message, boolean notUsersFault) {
        try (var logContext = JobLogContext.of(job)) {
            return failInContext(job, job.providerTaskId(), code, StorableText.of(message, MAX_MESSAGE), notUsersFault);
        }
    }

    private boolean failInContext(Job job, String polledTask, String code, String message, boolean notUsersFault) {
        Instant now = clock.instant();
        boolean askLater = LateDeliveries.PROVIDER_STILL_WORKING.contains(code);
        boolean won = release(
                job,
                () -> {
                    Optional<JobTransitions.Failed> failed =
                            transitions.markFailed(job.id(), polledTask, code, message, now);
                    if (failed.isEmpty()) {
                        return false;
                    }
                    // the task as the failure's statement left it (the caller's copy of the job may
                    // predate its submit); a job whose task is learned later is scheduled then
                    // (SubmittedMarks, a callback)
                    if (askLater && failed.get().providerTaskId() != null) {
                        late.checkLater(job.id());
                    }
                    return true;
                },
                code,
                message,
                notUsersFault);
        if (won) {
            afterCommit(job, () -> {
                log.info("job {} failed ({}): {}; {} credits released", job.id(), code, message, job.price());
                // the owner deleting the account ends the job as a cancel does: not a failure of the model
                meters.count(job, JobStats.ENDED_BY_OWNER.contains(code) ? "cancelled" : "failed", code);
            });
        }
        return won;
    }

    /**
     * The user cancels a job still waiting to be submitted: released; the cooldown stays, since a cancel
     * is the user's own doing (only a failure that is not the user's gives it back). Given back, a loop
     * of generate and cancel went round the cooldown whenever jobs waited (the provider held back).
     */
    boolean cancel(Job job) {
        return endUnsent(job, JobTransitions.CANCELLED_CODE, JobTransitions.CANCELLED_MESSAGE, false, () -> {
            log.info("job {} cancelled by its owner; {} credits released", job.id(), job.price());
            meters.count(job, "cancelled", "cancelled");
        });
    }

    /**
     * Fails a job the provider never saw (still RESERVED, no submit started: one under way on another
     * node wins): released, cooldown given back. False when it is no longer such a job.
     */
    boolean failUnsent(Job job, String code, String message) {
        return endUnsent(job, code, message, true, () -> {
            log.info(
                    "job {} failed before it was sent ({}): {}; {} credits released",
                    job.id(),
                    code,
                    message,
                    job.price());
            meters.count(job, "failed", code);
        });
    }

    /** A cancel or a failure before any submit started: released (cooldown given back if asked), then {@code told}. */
    private boolean endUnsent(Job job, String code, String message, boolean giveCooldownBack, Runnable told) {
        try (var logContext = JobLogContext.of(job)) {
            Instant now = clock.instant();
            boolean won = release(
                    job,
                    () -> transitions.markFailedUnsent(job.id(), code, message, now),
                    code,
                    message,
                    giveCooldownBack);
            if (won) {
                afterCommit(job, told);
            }
            return won;
        }
    }

    /**
     * The one way a job ends without a charge: if {@code transition} wins the compare-and-set, its
     * hold is released in the same transaction (and the cooldown given back when asked).
     *
     * <p>Giving the cooldown back locks the user's limit row first, before the job and the credit
     * account, the order an accept takes them in (limit row, then credit account): taken after the
     * release, a failure and an accept of the same user each waited for the other's row and
     * PostgreSQL aborted one ({@code FinishRacingAcceptTest}).
     */
    private boolean release(
            Job job, BooleanSupplier transition, String code, String message, boolean giveCooldownBack) {
        boolean won = Boolean.TRUE.equals(tx.execute(status -> {
            if (giveCooldownBack) {
                limits.lockForFinish(job.userId(), job.type());
            }
            if (!transition.getAsBoolean()) {
                return false;
            }
            ReleaseResult released = ledger.release(job.id(), code);
            if (!(released instanceof ReleaseResult.Released || released instanceof ReleaseResult.AlreadyReleased)) {
                throw new IllegalStateException("hold of job " + job.id() + " could not be released: " + released);
            }
            if (giveCooldownBack) {
                limits.clearCooldown(job.userId(), job.type(), job.createdAt());
            }
            durableEvents.publish(failed(job, job.price(), code, message, false));
            return true;
        }));
        if (won) {
            afterCommit(job, () -> events.changed(job.id()));
        }
        return won;
    }

    /**
     * Runs {@code told} once the finish is committed: now when the finish's own transaction held it
     * (here or in {@link DeliveredResults}: it has committed), else when the caller's transaction
     * commits, and never if that one rolls back. A failure of {@code told} is logged, not thrown: the
     * finish stands either way.
     */
    static void afterCommit(Job job, Runnable told) {
        Runnable logged = () -> {
            try {
                told.run();
            } catch (RuntimeException e) {
                log.warn("job {}: telling of its finish failed after commit: {}", job.id(), e.toString());
            }
        };
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            logged.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                logged.run();
            }
        });
    }

    /**
     * Records the stored output and charges the hold. If the job already failed (deadline), or its
     * hold can no longer be captured (it expired), the output is kept as a late delivery, free of
     * charge: the user never pays without a hold, and never loses a result we received.
     */
    Completion succeed(Job job, StoredOutput output) {
        try (var logContext = JobLogContext.of(job)) {
            return results.finish(job, output);
        }
    }

    static GenerationFailed failed(Job job, long released, String code, String reason, boolean late) {
        return new GenerationFailed(job.userId(), job.id(), job.model(), job.type(), released, code, reason, late);
    }

    enum Completion {
        CHARGED,
        LATE_FREE,
        DUPLICATE,
        /** Delivered after the owner deleted the account: not kept. */
        DISCARDED
    }

    record StoredOutput(String key, String contentType, long size, String sha256, String source) {}
}
