package dev.renderbank.ops;

import dev.renderbank.generation.JobCheck;
import dev.renderbank.generation.JobView;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.generation.StuckJob;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Operators' view of stuck jobs and their two repairs, audited. */
@Service
public class JobActions {

    /**
     * The largest age a stuck-job listing takes: far beyond any job's deadline, well within what
     * an instant and a PostgreSQL timestamp can hold (a larger one failed the listing).
     */
    public static final Duration MAX_STUCK_AGE = Duration.ofDays(3650);

    private final OperatorJobs jobs;
    private final AuditedActions actions;
    private final Clock clock;
    private final OpsProperties.Stuck thresholds;

    JobActions(OperatorJobs jobs, AuditedActions actions, Clock clock, OpsProperties props) {
        this.thresholds = props.stuck();
        this.jobs = jobs;
        this.actions = actions;
        this.clock = clock;
    }

    /** The configured thresholds ({@code renderbank.ops.stuck.*}). */
    public OpsProperties.Stuck thresholds() {
        return thresholds;
    }

    /**
     * The age a stuck-job listing is asked for ({@code 30m}, {@code 2h}): positive, at most {@link
     * #MAX_STUCK_AGE}; else an {@link IllegalArgumentException} saying what it must be. The one rule
     * of the admin pages, the API's {@code olderThan} and the command line's {@code --older-than}.
     */
    public static Duration stuckAge(String text) {
        Duration age;
        try {
            age = Duration.parse("PT" + text.trim().toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("must be a duration like 30m or 2h");
        }
        if (age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException("must be positive, e.g. 30m or 2h");
        }
        if (age.compareTo(MAX_STUCK_AGE) > 0) {
            throw new IllegalArgumentException("must be at most " + MAX_STUCK_AGE.toHours() + "h (10 years)");
        }
        return age;
    }

    /** The most stuck jobs listed at once, the oldest first; a list this long may have more behind it. */
    public static final int STUCK_LIMIT = 200;

    /** Stuck jobs: accepted before {@code overdue} (null: the configured threshold), or quiet too long. */
    public List<StuckJob> stuck(Duration overdue) {
        Instant now = clock.instant();
        return jobs.stuck(
                now.minus(overdue == null ? thresholds.overdue() : overdue),
                now.minus(thresholds.quiet()),
                STUCK_LIMIT);
    }

    /**
     * Asks the provider now and settles through the normal path. The provider is called outside any
     * transaction; the audit record follows (checking twice is harmless, so each check is recorded).
     */
    public ActionResult check(String actor, String jobId) {
        Optional<JobCheck> checked = jobs.checkAtProvider(jobId);
        if (checked.isEmpty()) {
            return new ActionResult.NotFound("No job " + jobId);
        }
        JobCheck c = checked.get();
        return actions.run(
                new Request(actor, "job-check", target(jobId), "check at provider", null, "auto:" + UUID.randomUUID()),
                () -> new Step.Applied(state(c.before()), withNote(state(c.after()), c.note())));
    }

    /**
     * Fails a live job and releases its credits, in one transaction with the audit record. The
     * reason goes to the audit record only: the job's owner is told that an operator stopped it.
     */
    public ActionResult fail(String actor, String jobId, String reason, String key) {
        if (jobs.find(jobId).isEmpty()) {
            return new ActionResult.NotFound("No job " + jobId);
        }
        return actions.run(new Request(actor, "job-fail", target(jobId), reason, null, key), () -> {
            JobView before = jobs.find(jobId).orElseThrow();
            boolean failed = jobs.failAndRelease(jobId).orElse(false);
            if (!failed) {
                return new Step.Refuse(new ActionResult.Refused(
                        "job-finished",
                        "Job " + jobId + " already finished (" + before.state() + "); nothing to fail"));
            }
            return new Step.Applied(state(before), state(jobs.find(jobId).orElseThrow()));
        });
    }

    static String target(String jobId) {
        return "job:" + jobId;
    }

    private static Map<String, Object> state(JobView j) {
        return new java.util.LinkedHashMap<>(Map.of(
                "state", j.state().name(),
                "held", j.creditsHeld(),
                "charged", j.creditsCharged(),
                "userId", j.userId()));
    }

    private static Map<String, Object> withNote(Map<String, Object> m, String note) {
        m.put("note", note);
        return m;
    }
}
