package dev.renderbank.generation.internal;

import dev.renderbank.provider.ProviderError;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * recordInfo answers that show no usable record of a submitted job's task: KIE does not know the
 * task (404), refuses its id (422, 400), says success without result URLs, or answers 200 with a
 * record that has no state. In the first moments
 * after createTask, or while KIE writes a finished record, such an answer proves nothing, and a job
 * failed on it could be one the provider still finishes. So each is counted on the job, a record read
 * in between ends the count, and the job fails only when at least {@link #ANSWERS} of them span at
 * least {@link #SPAN}: its credits released once ({@link JobFinisher}), its cooldown given back, and
 * its task asked again later for a result ({@link LateDeliveries#PROVIDER_STILL_WORKING}), which would
 * be the user's free of charge. Without this such a job polled on until its deadline (45 minutes for
 * a video) before it was failed.
 */
@Component
class RecordGaps {

    static final int ANSWERS = 3;
    static final Duration SPAN = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(RecordGaps.class);

    private final JobTransitions transitions;
    private final JobFinisher finisher;

    RecordGaps(JobTransitions transitions, JobFinisher finisher) {
        this.transitions = transitions;
        this.finisher = finisher;
    }

    /** Whether the answer says the task's record could not be read (rather than that KIE is not coping). */
    static boolean isGap(ProviderError error) {
        // a switch expression: a new kind of provider error does not compile until it is decided here
        return switch (error.kind()) {
            case NOT_FOUND, VALIDATION, INCOMPLETE_RECORD, RECORD_WITHOUT_STATE -> true;
            case INSUFFICIENT_CREDITS,
                    UNAUTHORIZED,
                    RATE_LIMITED,
                    UNAVAILABLE,
                    GENERATION_FAILED,
                    FEATURE_DISABLED,
                    TIMEOUT,
                    OTHER -> false;
        };
    }

    /**
     * Counts one such answer for the job; fails the job when they have persisted. True when this call
     * failed it (the job needs no more polling).
     */
    boolean failIfPersisting(Job job, ProviderError error, Instant now) {
        Optional<JobTransitions.RecordGap> gap = transitions.noteRecordGap(job.id(), now);
        if (gap.isEmpty()
                || gap.get().answers() < ANSWERS
                || now.isBefore(gap.get().since().plus(SPAN))) {
            // not yet; or the job is no longer live, which its next step sees
            return false;
        }
        Duration lasted = Duration.between(gap.get().since(), now);
        log.warn(
                "job {}: recordInfo answered without a usable record {} times over {} ({}): failing the job",
                job.id(),
                gap.get().answers(),
                lasted,
                error);
        if (error.kind() == ProviderError.Kind.INCOMPLETE_RECORD) {
            return finisher.fail(job, FailureReasons.NO_OUTPUT_CODE, FailureReasons.NO_OUTPUT, true);
        }
        if (error.kind() == ProviderError.Kind.RECORD_WITHOUT_STATE) {
            return finisher.fail(
                    job,
                    FailureReasons.NO_STATE_CODE,
                    "The provider kept answering without the generation's state for " + Math.max(1, lasted.toMinutes())
                            + " minutes. Your credits were released.",
                    true);
        }
        return finisher.fail(
                job,
                FailureReasons.TASK_NOT_FOUND_CODE,
                "The provider could not find this generation (it answered " + error.code() + ": " + error.message()
                        + " for " + Math.max(1, lasted.toMinutes()) + " minutes). Your credits were released.",
                true);
    }
}
