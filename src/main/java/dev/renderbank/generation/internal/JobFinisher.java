package dev.renderbank.generation.internal;

import dev.renderbank.generation.GenerationDeliveredLate;
import dev.renderbank.generation.GenerationFailed;
import dev.renderbank.generation.GenerationSucceeded;
import dev.renderbank.generation.JobEvents;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.ledger.CaptureResult;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.ReleaseResult;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.platform.StorableText;
import dev.renderbank.storage.AssetStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
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
 * <p>Success, failure and their late-result check are read together here, to see that a job is
 * charged or released exactly once; what operators count of a finish is {@link FinishMeters}'.
 * What a won finish tells outside the database (the meters, this node's event streams) waits for
 * the transaction that holds the finish to commit ({@link #afterCommit}): a caller's, such as an
 * operator's audited "fail", may still roll it back.
 *
 * <p>Over this code base's usual ~300 lines on purpose: success, failure and the late-result check
 * share one job-row lock order and one after-commit step (meters, log, stream signal), and read
 * together; the meters are already apart in {@link FinishMeters}.
 */
@Component
public class JobFinisher {

    private static final Logger log = LoggerFactory.getLogger(JobFinisher.class);

    private final JobTransitions transitions;
    private final LimitStore limits;
    private final OutputStore outputs;
    private final Ledger ledger;
    private final DurableEvents durableEvents;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final JobEvents events;
    private final FinishMeters meters;
    private final AccountDeletion accounts;
    private final AssetStore assets;
    private final LateDeliveries late;

    JobFinisher(
            JobTransitions transitions,
            LimitStore limits,
            OutputStore outputs,
            Ledger ledger,
            DurableEvents durableEvents,
            TransactionTemplate tx,
            Clock clock,
            JobEvents events,
            FinishMeters meters,
            AccountDeletion accounts,
            AssetStore assets,
            LateDeliveries late) {
        this.transitions = transitions;
        this.limits = limits;
        this.outputs = outputs;
        this.ledger = ledger;
        this.durableEvents = durableEvents;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
        this.meters = meters;
        this.accounts = accounts;
        this.assets = assets;
        this.late = late;
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
            return failInContext(job, code, StorableText.of(message, MAX_MESSAGE), notUsersFault);
        }
    }

    private boolean failInContext(Job job, String code, String message, boolean notUsersFault) {
        Instant now = clock.instant();
        boolean askLater = LateDeliveries.PROVIDER_STILL_WORKING.contains(code);
        boolean won = release(
                job,
                () -> {
                    Optional<JobTransitions.Failed> failed = transitions.markFailed(job.id(), code, message, now);
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

    /** The user cancels a job still waiting to be submitted: released, cooldown given back. */
    boolean cancel(Job job) {
        return endUnsent(job, JobTransitions.CANCELLED_CODE, JobTransitions.CANCELLED_MESSAGE, () -> {
            log.info("job {} cancelled by its owner; {} credits released", job.id(), job.price());
            meters.count(job, "cancelled", "cancelled");
        });
    }

    /**
     * Fails a job the provider never saw (still RESERVED, no submit started: one under way on another
     * node wins): released, cooldown given back. False when it is no longer such a job.
     */
    boolean failUnsent(Job job, String code, String message) {
        return endUnsent(job, code, message, () -> {
            log.info(
                    "job {} failed before it was sent ({}): {}; {} credits released",
                    job.id(),
                    code,
                    message,
                    job.price());
            meters.count(job, "failed", code);
        });
    }

    /** A cancel or a failure before any submit started: released, cooldown given back, then {@code told}. */
    private boolean endUnsent(Job job, String code, String message, Runnable told) {
        try (var logContext = JobLogContext.of(job)) {
            Instant now = clock.instant();
            boolean won =
                    release(job, () -> transitions.markFailedUnsent(job.id(), code, message, now), code, message, true);
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
     * Runs {@code told} once the finish is committed: now when this class's own transaction held it
     * (it has committed), else when the caller's transaction commits, and never if that one rolls
     * back. A failure of {@code told} is logged, not thrown: the finish stands either way.
     */
    private static void afterCommit(Job job, Runnable told) {
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
            return succeedInContext(job, output);
        }
    }

    private Completion succeedInContext(Job job, StoredOutput output) {
        Instant now = clock.instant();
        String assetId = "ast_" + UUID.randomUUID().toString().replace("-", "");
        Completion result = tx.execute(status -> {
            outputs.insert(
                    assetId,
                    job,
                    output.key(),
                    output.contentType(),
                    output.size(),
                    output.sha256(),
                    output.source(),
                    now);
            if (transitions.markSucceeded(job.id(), assetId, job.price(), now)) {
                CaptureResult captured = ledger.capture(job.id());
                if (captured instanceof CaptureResult.Captured || captured instanceof CaptureResult.AlreadyCaptured) {
                    durableEvents.publish(
                            new GenerationSucceeded(job.userId(), job.id(), job.model(), job.type(), job.price()));
                    return Completion.CHARGED;
                }
                if (captured instanceof CaptureResult.AlreadyReleased
                        && transitions.markSucceededUncharged(job.id(), now)) {
                    // The hold expired (nothing ran for longer than the hold margin) or was released: the
                    // credits are back with the user, who gets the output anyway, as a free late delivery.
                    durableEvents.publish(
                            failed(job, 0, FailureReasons.DEADLINE_CODE, JobTransitions.LATE_FREE_MESSAGE, true));
                    durableEvents.publish(deliveredLate(job));
                    return Completion.LATE_FREE;
                }
                throw new IllegalStateException("hold of job " + job.id() + " could not be captured: " + captured);
            }
            if (transitions.markLateDelivery(job.id(), assetId, now)) {
                if (!accounts.keepUndeletedUntilCommit(job.userId())) {
                    // The owner deleted the account (which failed the job): its files are gone for
                    // good, and a result arriving now is not kept either.
                    status.setRollbackOnly();
                    return Completion.DISCARDED;
                }
                // the job finished (failed) before: no second finish, but the user is told of the result
                durableEvents.publish(deliveredLate(job));
                return Completion.LATE_FREE;
            }
            status.setRollbackOnly(); // a duplicate: the job already has its asset
            return Completion.DUPLICATE;
        });
        switch (result) {
            case CHARGED ->
                afterCommit(job, () -> {
                    log.info("job {} succeeded; {} credits charged", job.id(), job.price());
                    meters.count(job, "succeeded", "none");
                    events.changed(job.id());
                });
            case LATE_FREE ->
                afterCommit(job, () -> {
                    log.warn("job {} delivered after it was failed: stored free of charge (late delivery)", job.id());
                    meters.count(job, "late_delivery", "free_of_charge");
                    events.changed(job.id());
                });
            case DUPLICATE -> {
                // This path's copy went to the job's key, which the first delivery's asset names
                // (kept) or named: then the owner or the account's deletion has removed that file
                // since, and this copy must not bring it back.
                if (!outputs.storedAndKept(job.id(), output.key())) {
                    discard(job, output);
                }
            }
            case DISCARDED -> discard(job, output);
            default -> throw new IllegalStateException("unexpected completion " + result);
        }
        return result;
    }

    /** Removes the stored copy of a result nobody may keep (its account or its file was deleted). */
    private void discard(Job job, StoredOutput output) {
        log.info("job {}: result delivered after its account or its file was deleted: discarded", job.id());
        try {
            assets.delete(output.key());
        } catch (IOException e) {
            log.warn("job {}: the discarded result {} could not be deleted: {}", job.id(), output.key(), e.toString());
        }
    }

    private static GenerationFailed failed(Job job, long released, String code, String reason, boolean late) {
        return new GenerationFailed(job.userId(), job.id(), job.model(), job.type(), released, code, reason, late);
    }

    private static GenerationDeliveredLate deliveredLate(Job job) {
        return new GenerationDeliveredLate(job.userId(), job.id(), job.model(), job.type());
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
