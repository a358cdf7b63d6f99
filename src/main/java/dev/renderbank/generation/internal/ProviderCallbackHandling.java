package dev.renderbank.generation.internal;

import dev.renderbank.generation.CallbackOutcome;
import dev.renderbank.generation.JobState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A provider callback is only a hint. The per-job token must match; then the task is confirmed by
 * querying the provider before anything changes. That query, and the copy of a finished result, run
 * after the callback is answered ({@link CallbackChecks}): a big video's copy outlasts the 15 s KIE
 * waits for the answer, and the callback it would then send again would start a second copy.
 *
 * <p>The callback's task teaches a job its task when it has none (its submit's outcome unknown,
 * interrupted, or failed in flight), and replaces the one its submit's unclear answer named while no
 * record of that one was read (UNKNOWN with a task): the callback came to the job's own URL, the job
 * was sent once, so the provider's task for it is the callback's, never a second one. A task already
 * confirmed stays; a callback naming another one is logged. A task another job names only from its
 * own submit's unclear answer (no record read, no callback to its URL confirming it; live or failed) is
 * taken from it: the callback to this job's URL outranks a body that passed through a proxy ({@link
 * JobTransitions#markSubmitted}). A claim the task's key refuses is made once more (that job's unclear
 * mark may have committed while the first waited on it); a task another job holds otherwise is refused
 * ({@link CallbackOutcome#CONFLICT}), nothing changed, and the operators are told ({@link TaskClaims}):
 * one of the two jobs is wrong.
 */
@Component
public class ProviderCallbackHandling {

    private static final Logger log = LoggerFactory.getLogger(ProviderCallbackHandling.class);

    private final JobStore jobs;
    private final JobTransitions transitions;
    private final TaskRecords tasks;
    private final CallbackChecks checks;
    private final LateDeliveries late;
    private final TaskClaims claims;
    private final TransactionTemplate tx;
    private final Clock clock;

    ProviderCallbackHandling(
            JobStore jobs,
            JobTransitions transitions,
            TaskRecords tasks,
            CallbackChecks checks,
            LateDeliveries late,
            TaskClaims claims,
            TransactionTemplate tx,
            Clock clock) {
        this.claims = claims;
        this.jobs = jobs;
        this.transitions = transitions;
        this.tasks = tasks;
        this.checks = checks;
        this.late = late;
        this.tx = tx;
        this.clock = clock;
    }

    public CallbackOutcome handle(String jobId, String token, String providerTaskId) {
        Optional<Job> found = jobs.find(jobId);
        if (found.isEmpty()
                || token == null
                || !MessageDigest.isEqual(
                        found.get().callbackToken().getBytes(StandardCharsets.UTF_8),
                        token.getBytes(StandardCharsets.UTF_8))) {
            return CallbackOutcome.REFUSED;
        }
        // the refusal below is logged in the job's context too (closed before a catch outside would run)
        try (var logContext = JobLogContext.of(found.get())) {
            try {
                return handle(found.get(), jobId, providerTaskId);
            } catch (DuplicateKeyException e) {
                // Refused by the task's key. The other job's row may have been written by a transaction
                // that committed only while this statement waited on it (its submit's unclear answer,
                // marked with the job's task move): this statement could not see it, the next one does,
                // and takes the task if that job names it only from an unclear answer. Once more, as the
                // submit path's mark does (SubmittedMarks); not left to KIE sending the callback again.
                log.info(
                        "provider callback for job {}: task {} is recorded for another job; looking again",
                        jobId,
                        providerTaskId);
            }
            try {
                return handle(reread(jobId), jobId, providerTaskId);
            } catch (DuplicateKeyException e) {
                // the task named is recorded for another job (its key refused it): this job learns nothing
                log.warn(
                        "provider callback for job {} names task {}, which is another job's: ignored",
                        jobId,
                        providerTaskId);
                claims.refused(jobId, providerTaskId, "a provider callback to its own URL");
                return CallbackOutcome.CONFLICT;
            }
        }
    }

    private CallbackOutcome handle(Job found, String jobId, String providerTaskId) {
        boolean namesTask = plausibleTaskId(providerTaskId);
        Job job = namesTask ? learnTask(found, jobId, providerTaskId) : found;
        if (namesTask && otherTask(job, providerTaskId)) {
            // the task it follows came from a clear answer, a record read of it, or was recorded after
            // it failed: the callback does not change it; said, for an operator, not dropped silently
            log.warn(
                    "provider callback for job {} ({}) names task {}, not its task {}: not recorded",
                    jobId,
                    job.state(),
                    providerTaskId,
                    job.providerTaskId());
        }
        if (job.state() == JobState.FAILED) {
            if (job.providerTaskId() == null && namesTask) {
                // Failed (deadline) before we learned its task: the callback still names it. The task and
                // the durable check of its late result commit together: a task recorded without its check
                // would have nothing ever ask for the result (the failure scheduled none, knowing no task).
                // If the check cannot be scheduled, neither is recorded and the provider sends the callback again.
                tx.executeWithoutResult(status -> {
                    if (tasks.recordTaskOfFailedJob(jobId, providerTaskId, false, clock.instant())) {
                        late.checkLater(jobId);
                    }
                });
                job = reread(jobId);
            }
            if (namesTask
                    && providerTaskId.equals(job.providerTaskId())
                    && tasks.confirmTaskOfFailedJob(jobId, providerTaskId, clock.instant())) {
                // its unclear answer's task, named by a callback to its own URL: the job's after all
                log.info(
                        "provider callback for failed job {} confirms task {}, named by its unclear answer",
                        jobId,
                        providerTaskId);
            }
            if (CallbackCheck.lateResultMayCome(job)) {
                checks.checkSoon(job);
            }
        } else if (!job.state().isTerminal() && job.providerTaskId() != null) {
            checks.checkSoon(job);
        }
        return CallbackOutcome.CHECKED;
    }

    /**
     * The callback came to the job's own URL, which only its one createTask carried: the task it names
     * is the job's while the job waits to learn or confirm one (RESERVED or UNKNOWN, no record read).
     * A job with no task, or with that very task from its submit's unclear answer, is marked SUBMITTED
     * with it (confirmed: no clear answer of another job can take it then). A job whose unclear answer
     * named another task follows the callback's. A job that moved meanwhile (another job's clear answer
     * took its unclear task, or a late write recorded one) is looked at again, a few times at most.
     */
    private Job learnTask(Job found, String jobId, String task) {
        Job job = found;
        for (int look = 0; look < 3; look++) {
            if (job.state() != JobState.UNKNOWN && job.state() != JobState.RESERVED) {
                return job;
            }
            String named = job.providerTaskId();
            if (named == null || named.equals(task)) {
                if (transitions.markSubmitted(job.id(), task, clock.instant())) {
                    return reread(jobId);
                }
            } else if (job.state() == JobState.UNKNOWN) {
                // Its task was named by its submit's unclear answer, and no record of it was read yet (one
                // moves the job on). That body passed through whatever made the answer unclear (a proxy
                // may have mixed bodies): its task is the callback's. Followed, not dropped.
                if (tasks.followCallbackTask(job.id(), named, task, clock.instant())) {
                    log.warn(
                            "provider callback for job {} names task {}, not task {} that its submit's unclear"
                                    + " answer named (no record of it read): the job follows task {}",
                            jobId,
                            task,
                            named,
                            task);
                    return reread(jobId);
                }
            } else {
                return job;
            }
            job = reread(jobId);
        }
        return job;
    }

    private static boolean otherTask(Job job, String providerTaskId) {
        return job.providerTaskId() != null && !job.providerTaskId().equals(providerTaskId);
    }

    /** The longest provider task id a callback may teach a job (KIE's are 32 characters). */
    static final int MAX_TASK_ID = 200;

    /**
     * Whether a callback's task id can be a provider task's: present, not too long for the task key's
     * index (a longer one was a 500), no control characters (a NUL cannot be stored). Any other names
     * no task, and the job learns nothing from it.
     */
    static boolean plausibleTaskId(String id) {
        return id != null
                && !id.isBlank()
                && id.length() <= MAX_TASK_ID
                && id.chars().noneMatch(Character::isISOControl);
    }

    private Job reread(String jobId) {
        return jobs.find(jobId).orElseThrow(() -> new IllegalStateException("job " + jobId + " vanished"));
    }
}
