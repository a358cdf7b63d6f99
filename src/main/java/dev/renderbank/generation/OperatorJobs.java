package dev.renderbank.generation;

import dev.renderbank.generation.internal.JobCosts;
import dev.renderbank.generation.internal.JobQueries;
import dev.renderbank.generation.internal.OperatorRepairs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Queries and repairs for operators (the command line, admin pages) across all users' jobs. */
@Service
public class OperatorJobs {

    private final JobQueries queries;
    private final OperatorRepairs repairs;
    private final JobCosts costs;

    OperatorJobs(JobQueries queries, OperatorRepairs repairs, JobCosts costs) {
        this.costs = costs;
        this.queries = queries;
        this.repairs = repairs;
    }

    /** Jobs still in flight that were accepted before {@code before}, oldest first. */
    public List<JobView> liveAcceptedBefore(Instant before, int limit) {
        return queries.liveCreatedBefore(before, limit);
    }

    /**
     * Live jobs to look at, oldest first: UNKNOWN ones, ones accepted before {@code overdue}, and
     * ones at the provider unchanged since {@code quiet} (no news from the provider).
     */
    public List<StuckJob> stuck(Instant overdue, Instant quiet, int limit) {
        return repairs.stuck(overdue, quiet, limit);
    }

    /** Jobs accepted in [from, to) the provider was paid for or that charged credits, by day, model, option. */
    public List<JobCostRow> costBasis(Instant from, Instant to) {
        return costs.rows(from, to);
    }

    public Optional<JobView> find(String jobId) {
        return repairs.find(jobId);
    }

    /**
     * One job by its task id ({@code gen_…}) or by the provider's task id, with the provider's id;
     * empty when neither names a job.
     */
    public Optional<OperatorJob> lookup(String id) {
        return repairs.lookup(id);
    }

    /**
     * Asks the provider about the job now and settles the answer through the normal finish path
     * (a success is stored and charged, a failure released). Empty for an unknown job. A remote call:
     * never call it inside a transaction.
     */
    public Optional<JobCheck> checkAtProvider(String jobId) {
        return repairs.check(jobId);
    }

    /**
     * Fails a live job and releases its credits through the normal finish path; joins the caller's
     * transaction. Empty for an unknown job, false if it had already finished. The owner is told
     * that an operator stopped it, never the operator's reason (that is for the audit record).
     */
    public Optional<Boolean> failAndRelease(String jobId) {
        return repairs.fail(jobId);
    }

    /** Live jobs by state, and jobs finished since {@code since} by state. */
    public Map<String, Long> countsByState(Instant since) {
        return repairs.byState(since);
    }

    /** Per model: jobs finished since {@code since}, success rate, p50/p95 time to success. */
    public List<ModelStats> modelStats(Instant since) {
        return repairs.perModel(since);
    }

    /** Failed jobs since {@code since} by reason code. */
    public Map<String, Long> failureReasons(Instant since) {
        return repairs.failureReasons(since);
    }
}
