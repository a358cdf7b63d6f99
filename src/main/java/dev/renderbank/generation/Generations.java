package dev.renderbank.generation;

import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.internal.Acceptance;
import dev.renderbank.generation.internal.AssetRemoval;
import dev.renderbank.generation.internal.JobListing;
import dev.renderbank.generation.internal.JobQueries;
import dev.renderbank.generation.internal.Retries;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * What a user may do with generation jobs: start one, see it and its output, list them, cancel one
 * not yet sent. Provider callbacks are {@link ProviderCallbacks}; operators' queries {@link OperatorJobs}.
 */
@Service
public class Generations {

    private final Acceptance acceptance;
    private final JobQueries queries;
    private final JobListing listing;
    private final Retries retries;
    private final AssetRemoval removal;
    private final MeterRegistry meters;

    Generations(
            Acceptance acceptance,
            JobQueries queries,
            JobListing listing,
            Retries retries,
            AssetRemoval removal,
            MeterRegistry meters) {
        this.meters = meters;
        this.acceptance = acceptance;
        this.queries = queries;
        this.listing = listing;
        this.retries = retries;
        this.removal = removal;
    }

    /**
     * Validates, prices, checks limits, holds the price, stores the job and schedules it, in one
     * transaction; the provider is called only after commit. Refusals hold and write nothing.
     */
    public AcceptOutcome accept(long userId, GenerationSpec spec, String idempotencyKey) {
        Timer.Sample sample = Timer.start(meters);
        AcceptOutcome outcome = decide(userId, spec, idempotencyKey);
        String name = outcomeName(outcome);
        sample.stop(Timer.builder("renderbank.jobs.accept")
                .description("Time to accept or refuse a generation request (before any provider call)")
                .tag("outcome", outcome instanceof AcceptOutcome.Accepted ? "accepted" : "refused")
                .publishPercentileHistogram()
                .register(meters));
        if (!(outcome instanceof AcceptOutcome.Accepted)) {
            // the seed's "rate limit blocks", and every other refusal, by reason
            meters.counter("renderbank.jobs.refused", "reason", name).increment();
        }
        return outcome;
    }

    /** {@code TooManyInFlight} → {@code too-many-in-flight}. */
    private static String outcomeName(AcceptOutcome outcome) {
        return outcome.getClass()
                .getSimpleName()
                .replaceAll("([a-z])([A-Z])", "$1-$2")
                .toLowerCase(java.util.Locale.ROOT);
    }

    private AcceptOutcome decide(long userId, GenerationSpec spec, String idempotencyKey) {
        return acceptance.accept(userId, spec, idempotencyKey);
    }

    /** The caller's job; another user's job is indistinguishable from a missing one. */
    public Optional<JobView> find(long userId, String jobId) {
        return queries.find(userId, jobId);
    }

    /** The caller's jobs, newest first; a bad status, cursor or limit is a 400 naming the field. */
    public JobPage list(long userId, String status, String cursor, int limit) {
        return listing.list(userId, status, cursor, limit);
    }

    /** As {@link #list(long, String, String, int)}, of one type ({@code image}, {@code video}; null: all). */
    public JobPage list(long userId, String type, String status, String cursor, int limit) {
        return listing.list(userId, type, status, cursor, limit);
    }

    /**
     * Cancels the caller's job if the provider has not been asked yet (SPEC section 4: KIE cannot
     * cancel, so a job at the provider runs to its end). A job the caller cancelled already is {@link
     * CancelOutcome.Cancelled} again, with nothing done twice.
     */
    public CancelOutcome cancel(long userId, String jobId) {
        return queries.cancel(userId, jobId);
    }

    /** A stored output, only to the user who owns it (not once deleted). */
    public Optional<AssetRef> asset(long userId, String assetId) {
        return queries.asset(userId, assetId);
    }

    /**
     * The names the caller's outputs are saved under ({@link AssetFileName}), by asset id, for the
     * pages' Download links: the name the download itself gives. Others' and deleted outputs are absent.
     */
    public Map<String, String> assetFileNames(long userId, Collection<String> assetIds) {
        return queries.fileNames(userId, assetIds);
    }

    /**
     * "Try again" on the caller's failed job: a new job with the same input, priced, limited and
     * held like any new request (the Idempotency-Key scoped to the failed job).
     */
    public RetryOutcome retry(long userId, String jobId, String idempotencyKey) {
        return retries.retry(userId, jobId, idempotencyKey);
    }

    /**
     * Deletes the stored output of the caller's job (the file, then the rows are marked; the
     * credits stay charged). False when the job is not the caller's or has no output left.
     */
    public boolean deleteOutput(long userId, String jobId) {
        return removal.deleteForJob(userId, jobId);
    }

    /** As {@link #deleteOutput}, by the asset's id. */
    public boolean deleteAsset(long userId, String assetId) {
        return removal.delete(userId, assetId);
    }
}
