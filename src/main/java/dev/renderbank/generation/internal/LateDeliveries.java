package dev.renderbank.generation.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.renderbank.generation.GenerationProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Late deliveries still to be fetched (SPEC section 4: a result the provider delivers after its job
 * was failed is stored and shown free of charge). A job's task ends with the job, so what a failed
 * job still needs is a durable task of its own, {@value #TASK} (one instance per job, keyed by its
 * id, surviving restarts): when the copy of a late result failed for a moment (the provider's file
 * answered 503, the connection dropped), and when the provider's task of a failed job was learned
 * only after it failed (the submit's answer came after the failure, so nobody polls it), and when
 * the job was failed at its deadline, by an operator, or on recordInfo answers without a usable record
 * of its task, while the provider may still work on it (its callback may never come; {@link
 * #PROVIDER_STILL_WORKING}), and when a callback about a failed job comes (scheduled before the
 * callback is answered, so a node dying before {@link CallbackChecks} asked loses nothing; a try due
 * while that check still runs on this node waits for the next). Each try
 * asks the provider and, on success, copies the file and records the free late delivery through
 * {@link JobFinisher} (one asset, never a charge, however many tries or callbacks race it). Tries
 * wait {@code renderbank.jobs.late-delivery-retry} (30 s) doubling up to {@link #LONGEST_WAIT}, at
 * most {@link #MAX_TRIES} of them (about ten hours: the provider keeps result URLs about a day).
 */
@Component
class LateDeliveries {

    static final String TASK = "generation-late-delivery";

    /**
     * Failures that leave the provider working on the job's task (it cannot cancel): its result may
     * still come, the user's free of charge, and is asked for later rather than left to a callback
     * that may never arrive ({@link JobFinisher} schedules the check in the failure's transaction).
     */
    static final Set<String> PROVIDER_STILL_WORKING = Set.of(
            FailureReasons.DEADLINE_CODE,
            OperatorRepairs.OPERATOR_FAILED,
            // failed on answers without a usable record of the task (RecordGaps): KIE may have it after all
            FailureReasons.TASK_NOT_FOUND_CODE,
            FailureReasons.NO_OUTPUT_CODE,
            FailureReasons.NO_STATE_CODE);

    static final int MAX_TRIES = 12;
    static final Duration LONGEST_WAIT = Duration.ofHours(2);

    private static final Logger log = LoggerFactory.getLogger(LateDeliveries.class);

    /** What one try left to do. */
    enum Try {
        /** Nothing more: stored, never to be (refused, the provider failed it, the account deleted), or not late. */
        DONE,
        /** Worth asking again later: the copy or the provider's answer failed for now, or it still runs. */
        AGAIN
    }

    private final ObjectProvider<SchedulerClient> scheduler;
    private final ObjectProvider<JobPolling> polling;
    private final ObjectProvider<CallbackChecks> callbackChecks;
    private final JobStore jobs;
    private final GenerationProperties props;
    private final Clock clock;
    private final TransactionTemplate tx;

    LateDeliveries(
            ObjectProvider<SchedulerClient> scheduler,
            ObjectProvider<JobPolling> polling,
            ObjectProvider<CallbackChecks> callbackChecks,
            JobStore jobs,
            GenerationProperties props,
            Clock clock,
            TransactionTemplate tx) {
        this.scheduler = scheduler;
        this.polling = polling;
        this.callbackChecks = callbackChecks;
        this.jobs = jobs;
        this.props = props;
        this.clock = clock;
        this.tx = tx;
    }

    /**
     * The failed job's provider task is asked again later, by its durable task (in the caller's
     * transaction when there is one, else in one of its own). Idempotent: a job has one such task; one
     * already pending keeps its own time and count of tries. Never aborts the caller's transaction:
     * a check scheduled at the same instant by another transaction is waited for and found.
     */
    void checkLater(String jobId) {
        // Under the job's row lock: two transactions scheduling the same check at once (a callback and
        // a submit's answer) would otherwise both find none and both insert it; the second insert's
        // duplicate key aborts its whole transaction (PostgreSQL), undoing the work it was part of.
        // The second now waits for the first to end and then finds its check.
        boolean scheduled = Boolean.TRUE.equals(tx.execute(status -> {
            jobs.lock(jobId);
            return scheduler
                    .getObject()
                    .scheduleIfNotExists(
                            new TaskInstance<>(TASK, jobId, 1), clock.instant().plus(wait(1)));
        }));
        if (scheduled) {
            log.info("job {}: the provider will be asked for its late result in {}", jobId, wait(1));
        }
    }

    /** Try number {@code tries} of the job's task; when to try again, or empty when it is done. */
    Optional<Instant> run(String jobId, int tries) {
        Optional<Job> job = jobs.find(jobId);
        if (job.isEmpty()) {
            return Optional.empty();
        }
        Try outcome;
        try (var logContext = JobLogContext.of(job.get())) {
            if (callbackChecks.getObject().idle(jobId)) {
                outcome = polling.getObject().lateDelivery(job.get());
            } else {
                // a callback's check of the job runs on this node (a big file's copy, maybe): a second
                // copy alongside it would only double the work; asked again later, should it fail
                log.info("job {}: its callback's check is under way here; its late result is asked for later", jobId);
                outcome = Try.AGAIN;
            }
        }
        if (outcome == Try.DONE) {
            jobs.markLateChecksEnded(jobId, clock.instant()); // nothing when its result was stored
            return Optional.empty();
        }
        if (tries >= MAX_TRIES) {
            log.warn("job {}: its late result could not be fetched in {} tries; given up", jobId, tries);
            jobs.markLateChecksEnded(jobId, clock.instant());
            return Optional.empty();
        }
        return Optional.of(clock.instant().plus(wait(tries + 1)));
    }

    /** The wait before try number {@code tries}: the first wait, doubled for each try before. */
    Duration wait(int tries) {
        Duration first = props.jobs().lateDeliveryRetry();
        int doublings = Math.min(Math.max(tries - 1, 0), 20);
        Duration d = first.multipliedBy(1L << doublings);
        return d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d;
    }
}
