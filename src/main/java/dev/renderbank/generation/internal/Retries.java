package dev.renderbank.generation.internal;

import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.RetryOutcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * "Try again" on a failed job: a new job with the same input, priced by today's catalogue and held
 * through the normal accept path (operators' pauses, limits, credits, Idempotency-Key), so a retry
 * is no cheaper and no more privileged than a new request. The failed job is left as it is.
 */
@Component
public class Retries {

    /** The key under which a job's stored options keep the client's reference images. */
    static final String IMAGE_URLS = "imageUrls";

    private final JobStore jobs;
    private final Acceptance acceptance;
    private final ObjectMapper json;

    Retries(JobStore jobs, Acceptance acceptance, ObjectMapper json) {
        this.jobs = jobs;
        this.acceptance = acceptance;
        this.json = json;
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
        Map<?, ?> options = json.readValue(job.options(), Map.class);
        return new GenerationSpec(
                job.type(),
                job.model(),
                job.prompt(),
                imageUrls(job, options),
                text(options.get("resolution")),
                text(options.get("outputFormat")),
                text(options.get("aspectRatio")),
                options.get("durationSeconds") instanceof Number n ? n.intValue() : null);
    }

    /**
     * Jobs accepted before the options kept the reference images have them only in the provider's
     * input, named per provider model ({@code image_urls}, or {@code image_input} for nano-banana-pro).
     */
    private List<String> imageUrls(Job job, Map<?, ?> options) {
        if (options.get(IMAGE_URLS) instanceof List<?> urls) {
            return urls.stream().map(String::valueOf).toList();
        }
        Map<?, ?> input = json.readValue(job.providerInput(), Map.class);
        for (String name : List.of("image_urls", "image_input")) {
            if (input.get(name) instanceof List<?> urls) {
                return urls.stream().map(String::valueOf).toList();
            }
        }
        return List.of();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
