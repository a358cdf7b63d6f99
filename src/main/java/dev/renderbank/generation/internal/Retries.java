package dev.renderbank.generation.internal;

import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.JobOptions;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.RetryOutcome;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * "Try again" on a failed job: a new job with the same input, priced by today's catalogue and held
 * through the normal accept path (operators' pauses, limits, credits, Idempotency-Key), so a retry
 * is no cheaper and no more privileged than a new request. The failed job is left as it is.
 */
@Component
public class Retries {

    private final JobStore jobs;
    private final Acceptance acceptance;

    Retries(JobStore jobs, Acceptance acceptance) {
        this.jobs = jobs;
        this.acceptance = acceptance;
    }

    public RetryOutcome retry(long userId, String jobId, String idempotencyKey) {
        Optional<Job> found = jobs.find(jobId).filter(j -> j.userId() == userId);
        if (found.isEmpty()) {
            return new RetryOutcome.NotFound();
        }
        Job failed = found.get();
        if (failed.state() != JobState.FAILED) {
            return new RetryOutcome.NotFailed(failed.view());
        }
        // scoped to the failed job: the same key retries it once, and means nothing to another job
        return new RetryOutcome.Decided(
                acceptance.accept(userId, specOf(failed), idempotencyKey, "retry:" + failed.id()));
    }

    /** The request the job was accepted for, rebuilt from its stored options. */
    GenerationSpec specOf(Job job) {
        JobOptions options = StoredOptions.read(job);
        return new GenerationSpec(
                job.type(),
                job.model(),
                job.prompt(),
                options.imageUrls(),
                options.resolution(),
                options.outputFormat(),
                options.aspectRatio(),
                options.durationSeconds());
    }
}
