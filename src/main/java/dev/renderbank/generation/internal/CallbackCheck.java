package dev.renderbank.generation.internal;

import dev.renderbank.generation.JobState;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one check after a provider callback does, on a thread of {@link CallbackChecks}: the job is
 * read again as it is now and, still live with a provider task, polled; failed with a late result
 * still possible, asked for that result. A job whose check fails, or is not run here at all, is
 * handed over to its durable work. When and where checks run (the per-job guard, the pool, the stop)
 * is {@link CallbackChecks}'.
 */
final class CallbackCheck {

    /** Under {@link CallbackChecks}' name, where operators have always found these lines. */
    private static final Logger log = LoggerFactory.getLogger(CallbackChecks.class);

    private final JobStore jobs;
    private final JobPolling polling;
    private final LateDeliveries late;
    private final Clock clock;
    private final Counter failed;

    /** {@code failed} counts the checks that failed here, each then handed over. */
    CallbackCheck(JobStore jobs, JobPolling polling, LateDeliveries late, Clock clock, Counter failed) {
        this.jobs = jobs;
        this.polling = polling;
        this.late = late;
        this.clock = clock;
        this.failed = failed;
    }

    /** A failed job whose provider task may still deliver: only its late-delivery task asks again. */
    static boolean lateResultMayCome(Job job) {
        return job.state() == JobState.FAILED && job.assetId() == null && job.providerTaskId() != null;
    }

    /** One look at the job: never throws (a failure hands the job over). */
    void run(String jobId) {
        // around the try: its catch logs in the job's context too
        try (var idContext = JobLogContext.ofId(jobId)) {
            runIn(jobId);
        }
    }

    private void runIn(String jobId) {
        try {
            // re-read: the job may have moved on while the check waited (finished by its task, failed);
            // inside the try: a database that fails this read hands the job over like any other failure
            Optional<Job> found = jobs.find(jobId);
            if (found.isEmpty()) {
                return;
            }
            Job job = found.get();
            try (var logContext = JobLogContext.of(job)) {
                if (lateResultMayCome(job)) {
                    polling.checkLateDelivery(job);
                } else if (!job.state().isTerminal() && job.providerTaskId() != null) {
                    polling.poll(job, clock.instant());
                }
            }
        } catch (RuntimeException e) {
            // the callback was answered: its hint must not end here (a live job's task polls anyway)
            log.warn("job {}: the check after its provider callback failed", jobId, e);
            failed.increment();
            handOver(jobId, "its check failed");
        }
    }

    /**
     * The job, as it is now, is left to its durable work: never throws (a stop goes on). A failed job's
     * late-delivery task was scheduled by its callback, or here when the job failed since.
     */
    void handOver(String jobId, String why) {
        try (var idContext = JobLogContext.ofId(jobId)) {
            handOverIn(jobId, why);
        }
    }

    private void handOverIn(String jobId, String why) {
        try {
            Job job = jobs.find(jobId).orElse(null);
            if (job == null) {
                return;
            }
            if (lateResultMayCome(job)) {
                log.info("job {}: {}; its durable late-delivery task asks the provider instead", job.id(), why);
                late.checkLater(job.id());
            } else {
                log.info("job {}: {}; its own task polls it instead", job.id(), why);
            }
        } catch (RuntimeException e) {
            log.warn("job {}: its check could not be handed over ({})", jobId, why, e);
        }
    }
}
