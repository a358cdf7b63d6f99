package dev.renderbank.generation.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A job's clear claim on a provider task (its own createTask's clear answer, a callback to its own
 * URL) that the task's key refused, on a second try too: another job recorded the task first and keeps
 * it, because a record of it was read for that job (RUNNING, SUCCEEDED) or it was recorded from a clear
 * answer or a callback of its own ({@link JobTransitions#markSubmitted}); or, rarely, that job's unclear
 * answer was recorded while both tries were made (the message then says so: a later claim takes it).
 * One of the two jobs is wrong, and it may be the one that keeps the task: a proxy that handed it this
 * job's answer inside an unclear one, and its poll read the record before this claim came. Then its owner is shown, and charged for, another
 * user's generation. Nothing here can tell which: logged at ERROR and raised to the operators once per
 * task ({@link AlertKind#GENERATION_TASK_CLAIMED_TWICE}), naming both jobs and both users.
 */
@Component
class TaskClaims {

    private static final Logger log = LoggerFactory.getLogger(TaskClaims.class);

    private final JobStore jobs;
    private final TaskRecords tasks;
    private final OperatorAlerts alerts;

    TaskClaims(JobStore jobs, TaskRecords tasks, OperatorAlerts alerts) {
        this.jobs = jobs;
        this.tasks = tasks;
        this.alerts = alerts;
    }

    /** Job {@code jobId}'s claim on {@code task}, from {@code how}, was refused by the task's key. */
    void refused(String jobId, String task, String how) {
        // in the claimant's log context, whichever thread saw the refusal (a batch's committer, say)
        try (var logContext = JobLogContext.ofId(jobId)) {
            tell(jobId, task, how);
        }
    }

    private void tell(String jobId, String task, String how) {
        try {
            Optional<Job> claimant = jobs.find(jobId);
            Optional<Job> holder = jobs.findByProviderTask(task);
            if (holder.isEmpty() || holder.get().id().equals(jobId)) {
                return; // given up meanwhile, or this job's own: no second claim
            }
            Job h = holder.get();
            String claimantUser = claimant.map(j -> Long.toString(j.userId())).orElse("?");
            String message = tasks.namedOnlyFromUnclearAnswer(h.id(), task)
                    ? ("Provider task %s is claimed by job %s (user %s, %s), which was refused, twice: job %s (user %s,"
                                    + " %s) recorded the task from its unclear createTask answer while the claim was"
                                    + " made, and nothing changed. The task is likely %s's: a later claim of %s (a"
                                    + " callback KIE sends again) takes it from %s; if none comes, check the task at"
                                    + " the provider, fail %s if it holds the task still, and fetch the result for %s.")
                            .formatted(
                                    task,
                                    jobId,
                                    claimantUser,
                                    how,
                                    h.id(),
                                    h.userId(),
                                    h.state(),
                                    jobId,
                                    jobId,
                                    h.id(),
                                    h.id(),
                                    jobId)
                    : ("Provider task %s is claimed by job %s (user %s, %s), which was refused: job %s (user %s, %s)"
                                    + " keeps it, because a record of it was read for %s or %s's own clear answer or"
                                    + " callback named it. If %s's task came from an unclear createTask answer (its"
                                    + " error message says so) the task is likely %s's: check the task at the provider;"
                                    + " if so, fail %s and give back what its user was charged, and fetch the result"
                                    + " for %s.")
                            .formatted(
                                    task,
                                    jobId,
                                    claimantUser,
                                    how,
                                    h.id(),
                                    h.userId(),
                                    h.state(),
                                    h.id(),
                                    h.id(),
                                    h.id(),
                                    jobId,
                                    h.id(),
                                    jobId);
            log.error(message);
            alerts.raiseOnce(AlertKind.GENERATION_TASK_CLAIMED_TWICE, "task-claimed-twice:" + task, message);
        } catch (RuntimeException e) {
            // the refusal stands; what could not be said is still in the WARN line of the refusal
            log.error(
                    "job {}: provider task {} is another job's; the operators could not be told ({})",
                    jobId,
                    task,
                    e.toString());
        }
    }
}
