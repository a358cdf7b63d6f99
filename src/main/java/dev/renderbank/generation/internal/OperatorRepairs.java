package dev.renderbank.generation.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.renderbank.generation.JobCheck;
import dev.renderbank.generation.JobView;
import dev.renderbank.generation.ModelStats;
import dev.renderbank.generation.OperatorJob;
import dev.renderbank.generation.StuckJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
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
    private final ObjectProvider<SchedulerClient> scheduler;
    private final boolean runsTasks;
    private final Duration handOverWait;

    OperatorRepairs(
            JobStore jobs,
            JobStats stats,
            JobPolling polling,
            JobFinisher finisher,
            Clock clock,
            ObjectProvider<SchedulerClient> scheduler,
            @Value("${db-scheduler.enabled:true}") boolean runsTasks,
            @Value("${renderbank.jobs.operator-check-wait:30s}") Duration handOverWait) {
        this.jobs = jobs;
        this.stats = stats;
        this.polling = polling;
        this.finisher = finisher;
        this.clock = clock;
        this.scheduler = scheduler;
        this.runsTasks = runsTasks;
        this.handOverWait = handOverWait;
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

    /** The job with this task id, else the one the provider's task id names. */
    public Optional<OperatorJob> lookup(String id) {
        return jobs.find(id)
                .or(() -> jobs.findByProviderTask(id))
                .map(j -> new OperatorJob(j.view(), j.providerTaskId(), j.submittedAt()));
    }

    /**
     * The command line runs no jobs, and its storage need not be the service's (another directory,
     * host or container: a result it copied would be charged and never found by the nodes, a 404 for
     * the user). So it does not ask the provider itself: the job's own task is made due now, a node
     * of the service asks the provider and settles the answer through the normal path, and this
     * waits up to {@code renderbank.jobs.operator-check-wait} to report what changed.
     */
    private JobCheck handOver(Job job) {
        try {
            scheduler.getObject().reschedule(TaskInstanceId.of(JobTasks.JOB_TASK, job.id()), clock.instant());
        } catch (TaskInstanceException e) {
            // its task is running right now (so it is asking already), or the job just finished
        }
        Instant until = Instant.now().plus(handOverWait);
        JobView after = job.view();
        while (after.state() == job.state() && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            after = jobs.find(job.id()).orElseThrow().view();
        }
        String note = after.state() == job.state()
                ? "handed to the service (its job task is due now; this command does not copy results itself):"
                        + " still " + after.state() + " after " + handOverWait.toSeconds() + " s"
                : "handed to the service, which asked the provider: " + job.state() + " → " + after.state();
        return new JobCheck(job.view(), after, note);
    }

    /**
     * Queries the provider now (no transaction is open: the caller must not hold one). A process that
     * runs no jobs (the command line) hands the check to the service's nodes instead ({@link
     * #handOver}).
     */
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
        } else if (!runsTasks) {
            return Optional.of(handOver(job));
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
