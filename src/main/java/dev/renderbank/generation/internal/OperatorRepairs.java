package dev.renderbank.generation.internal;

import dev.renderbank.generation.JobCheck;
import dev.renderbank.generation.JobView;
import dev.renderbank.generation.ModelStats;
import dev.renderbank.generation.StuckJob;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Operators' repairs of single jobs, through the normal paths only: "check" asks the provider and
 * lets {@link JobPolling} settle the answer (capture or release by {@link JobFinisher}); "fail"
 * fails and releases through {@link JobFinisher} like the deadline does.
 */
@Component
public class OperatorRepairs {

    static final String OPERATOR_FAILED = "operator_failed";

    private final JobStore jobs;
    private final JobStats stats;
    private final JobPolling polling;
    private final JobFinisher finisher;
    private final Clock clock;

    OperatorRepairs(JobStore jobs, JobStats stats, JobPolling polling, JobFinisher finisher, Clock clock) {
        this.jobs = jobs;
        this.stats = stats;
        this.polling = polling;
        this.finisher = finisher;
        this.clock = clock;
    }

    public List<StuckJob> stuck(Instant overdue, Instant quiet, int limit) {
        return stats.stuck(overdue, quiet, limit).stream()
                .map(row -> {
                    Job j = (Job) row[0];
                    return new StuckJob(j.view(), (String) row[1], j.providerTaskId());
                })
                .toList();
    }

    public Optional<JobView> find(String jobId) {
        return jobs.find(jobId).map(Job::view);
    }

    /** Queries the provider now (no transaction is open: the caller must not hold one). */
    public Optional<JobCheck> check(String jobId) {
        Optional<Job> found = jobs.find(jobId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Job job = found.get();
        String note;
        if (job.state().isTerminal()) {
            note = "already finished (" + job.state() + "): nothing to settle";
        } else if (job.providerTaskId() == null) {
            note = "not known to the provider (state " + job.state()
                    + ", no provider task id): nothing to ask; fail it, or wait for a callback or the deadline";
        } else {
            polling.poll(job, clock.instant());
            note = "asked the provider";
        }
        JobView after = jobs.find(jobId).orElseThrow().view();
        if (job.providerTaskId() != null && !job.state().isTerminal()) {
            note = after.state() == job.state()
                    ? "asked the provider: still " + after.state()
                    : "asked the provider: " + job.state() + " → " + after.state();
        }
        return Optional.of(new JobCheck(job.view(), after, note));
    }

    /**
     * What the job's owner is told (the job's page and API, the failure email, the webhook): the
     * same words whatever the operator's reason, which is for the audit trail only (it may say
     * "suspected card fraud, ticket 991").
     */
    static final String OPERATOR_FAILED_MESSAGE = "Stopped by an operator; your credits were released.";

    /**
     * Fails a live job and releases its hold (cooldown given back) in the finisher's transaction,
     * which joins the caller's; the finish is counted and the job's streams told once the caller's
     * commits, not if it rolls back. False if the job had already finished.
     */
    public Optional<Boolean> fail(String jobId) {
        return jobs.find(jobId).map(job -> finisher.fail(job, OPERATOR_FAILED, OPERATOR_FAILED_MESSAGE, true));
    }

    public Map<String, Long> byState(Instant since) {
        return stats.byState(since);
    }

    public List<ModelStats> perModel(Instant since) {
        return stats.perModel(since);
    }

    public Map<String, Long> failureReasons(Instant since) {
        return stats.failureReasons(since);
    }
}
