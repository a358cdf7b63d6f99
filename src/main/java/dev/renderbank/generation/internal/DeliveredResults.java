package dev.renderbank.generation.internal;

import static dev.renderbank.generation.internal.JobFinisher.afterCommit;
import static dev.renderbank.generation.internal.JobFinisher.failed;

import dev.renderbank.generation.GenerationDeliveredLate;
import dev.renderbank.generation.GenerationSucceeded;
import dev.renderbank.generation.JobEvents;
import dev.renderbank.generation.internal.JobFinisher.Completion;
import dev.renderbank.generation.internal.JobFinisher.StoredOutput;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.ledger.CaptureResult;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A result the provider delivered, already copied to our storage, as {@link JobFinisher#succeed}
 * takes it: its asset recorded and the job's hold captured in one transaction; or, when the hold can
 * no longer be captured or the job already failed, kept as a free late delivery; or, when nobody may
 * keep it (its account or its file was deleted), its stored copy removed. The failure side (release,
 * cooldown) is {@link JobFinisher}'s; both finish a job by a compare-and-set in {@link
 * JobTransitions}, so a job is charged or released once whichever path comes first.
 */
@Component
class DeliveredResults {

    /** Under {@link JobFinisher}'s name, where a job's finish lines have always been logged. */
    private static final Logger log = LoggerFactory.getLogger(JobFinisher.class);

    private final JobTransitions transitions;
    private final OutputStore outputs;
    private final Ledger ledger;
    private final DurableEvents durableEvents;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final JobEvents events;
    private final FinishMeters meters;
    private final AccountDeletion accounts;
    private final DiscardedOutputs discarded;

    DeliveredResults(
            JobTransitions transitions,
            OutputStore outputs,
            Ledger ledger,
            DurableEvents durableEvents,
            TransactionTemplate tx,
            Clock clock,
            JobEvents events,
            FinishMeters meters,
            AccountDeletion accounts,
            DiscardedOutputs discarded) {
        this.transitions = transitions;
        this.outputs = outputs;
        this.ledger = ledger;
        this.durableEvents = durableEvents;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
        this.meters = meters;
        this.accounts = accounts;
        this.discarded = discarded;
    }

    /** In the job's log context ({@link JobFinisher#succeed}). */
    Completion finish(Job job, StoredOutput output) {
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
            if (transitions.markSucceeded(job.id(), job.providerTaskId(), assetId, job.price(), now)) {
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
            if (transitions.markLateDelivery(job.id(), job.providerTaskId(), assetId, now)) {
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
        discarded.discard(job.id(), output.key());
    }

    private static GenerationDeliveredLate deliveredLate(Job job) {
        return new GenerationDeliveredLate(job.userId(), job.id(), job.model(), job.type());
    }
}
