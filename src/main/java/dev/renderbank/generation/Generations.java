package dev.renderbank.generation;

import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.internal.Acceptance;
import dev.renderbank.generation.internal.JobListing;
import dev.renderbank.generation.internal.JobQueries;
import dev.renderbank.platform.Switches;
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
    private final Switches switches;

    Generations(Acceptance acceptance, JobQueries queries, JobListing listing, Switches switches) {
        this.acceptance = acceptance;
        this.queries = queries;
        this.listing = listing;
        this.switches = switches;
    }

    /**
     * Validates, prices, checks limits, holds the price, stores the job and schedules it, in one
     * transaction; the provider is called only after commit. Refusals hold and write nothing.
     */
    public AcceptOutcome accept(long userId, GenerationSpec spec, String idempotencyKey) {
        // An operator's pause (platform switch, cached about a second) refuses before anything is held.
        Optional<Switches.Switch> paused = switches.paused(Switches.GENERATION, Switches.model(spec.model()));
        if (paused.isPresent()) {
            return new AcceptOutcome.Paused(paused.get().message(), paused.get().retryAfter());
        }
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

    /**
     * Cancels the caller's job if the provider has not been asked yet (SPEC section 4: KIE cannot
     * cancel, so a job at the provider runs to its end).
     */
    public CancelOutcome cancel(long userId, String jobId) {
        return queries.cancel(userId, jobId);
    }

    /** A stored output, only to the user who owns it. */
    public Optional<AssetRef> asset(long userId, String assetId) {
        return queries.asset(userId, assetId);
    }
}
