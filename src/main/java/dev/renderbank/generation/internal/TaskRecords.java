package dev.renderbank.generation.internal;

import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A job's provider task learned apart from its SUBMITTED mark ({@link JobTransitions#markSubmitted}):
 * after the job failed, from a submit's unclear answer, or from a callback that names another task
 * than the unclear answer did. Each is one statement, a compare-and-set on the job's row together
 * with the task's row in {@code generation_provider_task}, whose key refuses a task another job
 * already names (the whole statement fails then, nothing changes).
 */
@Repository
class TaskRecords {

    private static final Logger log = LoggerFactory.getLogger(TaskRecords.class);

    private final JdbcClient jdbc;

    TaskRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A failed job's provider task, learned only afterwards; the state stays FAILED. {@code unclear}:
     * named by its submit's unclear answer, so the job the provider created it for may still take it.
     */
    boolean recordTaskOfFailedJob(String id, String providerTaskId, boolean unclear, Instant now) {
        return recordTask(id, "FAILED", providerTaskId, unclear, now);
    }

    /** An UNKNOWN job's task, named by its submit's unclear answer; UNKNOWN still, its polls resolve it. */
    boolean recordTaskOfUnknownJob(String id, String providerTaskId, Instant now) {
        return recordTask(id, "UNKNOWN", providerTaskId, true, now);
    }

    /**
     * One statement. A clear record (not {@code unclear}) takes the task from a job that names it only
     * from its unclear answer, as {@link #markSubmitted} does; an unclear one never takes a task.
     */
    private boolean recordTask(String id, String state, String providerTaskId, boolean unclear, Instant now) {
        return jdbc.sql("""
                        with recorded as (
                            update generation_job set provider_task_id = :task, task_from_unclear_answer = :unclear,
                                   updated_at = :now
                             where id = :id and state = :state and provider_task_id is null
                            returning id),
                        given_up as (
                            update generation_job set provider_task_id = null, task_from_unclear_answer = false,
                                   version = version + 1, updated_at = :now
                             where not :unclear
                               and id = (select job_id from generation_provider_task where provider_task_id = :task)
                               and id <> :id and task_from_unclear_answer and provider_task_id = :task
                               and state in ('UNKNOWN', 'FAILED') and asset_id is null
                               and exists (select 1 from recorded)
                            returning id, state),
                        taken_over as (
                            update generation_provider_task set job_id = :id
                             where provider_task_id = :task and job_id in (select id from given_up)
                            returning job_id),
                        inserted as (
                            insert into generation_provider_task (provider_task_id, job_id)
                            select :task, id from recorded where not exists (select 1 from taken_over)
                            returning job_id)
                        select (select count(*) from recorded) as recorded, (select id from given_up) as given_up,
                               (select state from given_up) as given_up_state""")
                .param("id", id)
                .param("state", state)
                .param("task", providerTaskId)
                .param("unclear", unclear)
                .param("now", SqlTime.ts(now))
                .query((rs, n) -> {
                    String gaveUp = rs.getString("given_up");
                    if (gaveUp != null) {
                        log.warn(
                                "job {} ({}) records provider task {}, taken from job {} ({}), which named it only"
                                        + " from its submit's unclear answer: {} names no task again",
                                id,
                                state,
                                providerTaskId,
                                gaveUp,
                                rs.getString("given_up_state"),
                                gaveUp);
                    }
                    return rs.getInt("recorded") == 1;
                })
                .single();
    }

    /** Whether job {@code id} names {@code task} only from its submit's unclear answer (another's claim takes it). */
    boolean namedOnlyFromUnclearAnswer(String id, String task) {
        return jdbc.sql("""
                        select count(*) from generation_job
                         where id = :id and provider_task_id = :task and task_from_unclear_answer""")
                        .param("id", id)
                        .param("task", task)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /**
     * A callback to the failed job's own URL names the task its unclear answer named: the task is
     * confirmed the job's (only its createTask carried that URL), and no other job's claim takes it.
     */
    boolean confirmTaskOfFailedJob(String id, String providerTaskId, Instant now) {
        return jdbc.sql("""
                        update generation_job set task_from_unclear_answer = false, updated_at = :now
                         where id = :id and state = 'FAILED' and provider_task_id = :task
                           and task_from_unclear_answer""")
                        .param("id", id)
                        .param("task", providerTaskId)
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }

    /**
     * UNKNOWN with task {@code named} (its submit's unclear answer's; no record of it read yet, or the
     * job would have moved on) → SUBMITTED with {@code providerTaskId}, the task a callback to the
     * job's own URL names. {@code named}'s row is given up, {@code providerTaskId}'s written, in the same
     * statement: refused by the key (another job's task), nothing changes; unless that other job, too,
     * names the task only from an unclear answer: it gives the task up to the callback's job, as it does
     * to a clear answer ({@link JobTransitions#markSubmitted}).
     */
    boolean followCallbackTask(String id, String named, String providerTaskId, Instant now) {
        return jdbc.sql("""
                        with followed as (
                            update generation_job set state = 'SUBMITTED', provider_task_id = :task,
                                   task_from_unclear_answer = false, submitted_at = :now,
                                   progress = greatest(progress, 5), version = version + 1, updated_at = :now
                             where id = :id and state = 'UNKNOWN' and provider_task_id = :named
                            returning id),
                        given_up as (
                            delete from generation_provider_task
                             where provider_task_id = :named and job_id in (select id from followed)),
                        other_gave_up as (
                            update generation_job set provider_task_id = null, task_from_unclear_answer = false,
                                   version = version + 1, updated_at = :now
                             where id = (select job_id from generation_provider_task where provider_task_id = :task)
                               and id <> :id and task_from_unclear_answer and provider_task_id = :task
                               and state in ('UNKNOWN', 'FAILED') and asset_id is null
                               and exists (select 1 from followed)
                            returning id, state),
                        taken_over as (
                            update generation_provider_task set job_id = :id
                             where provider_task_id = :task and job_id in (select id from other_gave_up)
                            returning job_id),
                        recorded as (
                            insert into generation_provider_task (provider_task_id, job_id)
                            select :task, id from followed where not exists (select 1 from taken_over)
                            returning job_id)
                        select (select count(*) from followed) as followed, (select count(*) from recorded) as recorded,
                               (select id from other_gave_up) as other_gave_up,
                               (select state from other_gave_up) as other_state""")
                .param("id", id)
                .param("named", named)
                .param("task", providerTaskId)
                .param("now", SqlTime.ts(now))
                .query((rs, n) -> {
                    String gaveUp = rs.getString("other_gave_up");
                    if (gaveUp != null) {
                        log.warn(
                                "job {} takes provider task {}, named by a callback to its own URL, from job {} ({}),"
                                        + " which named it only from its submit's unclear answer: {} names no task"
                                        + " again",
                                id,
                                providerTaskId,
                                gaveUp,
                                rs.getString("other_state"),
                                gaveUp);
                    }
                    return rs.getInt("followed") == 1;
                })
                .single();
    }

    /** {@link JobTransitions#markSubmitted}, which says what it does. */
    boolean markSubmitted(String id, String providerTaskId, Instant now) {
        return jdbc.sql("""
                        with marked as (
                            update generation_job set state = 'SUBMITTED', provider_task_id = :task,
                                   task_from_unclear_answer = false, submitted_at = :now,
                                   progress = greatest(progress, 5), version = version + 1, updated_at = :now
                             where id = :id and state in ('RESERVED', 'UNKNOWN')
                               and (provider_task_id is null or provider_task_id = :task)
                            returning id),
                        given_up as (
                            update generation_job set provider_task_id = null, task_from_unclear_answer = false,
                                   version = version + 1, updated_at = :now
                             where id = (select job_id from generation_provider_task where provider_task_id = :task)
                               and id <> :id and task_from_unclear_answer and provider_task_id = :task
                               and state in ('UNKNOWN', 'FAILED') and asset_id is null
                               and exists (select 1 from marked)
                            returning id, state),
                        taken_over as (
                            update generation_provider_task set job_id = :id
                             where provider_task_id = :task and job_id in (select id from given_up)
                            returning job_id),
                        recorded as (
                            insert into generation_provider_task (provider_task_id, job_id)
                            select :task, id from marked
                             where not exists (select 1 from taken_over)
                               and not exists (select 1 from generation_provider_task
                                                where provider_task_id = :task and job_id = :id)
                            returning job_id)
                        select (select count(*) from marked) as marked, (select count(*) from recorded) as recorded,
                               (select id from given_up) as given_up, (select state from given_up) as given_up_state""")
                .param("id", id)
                .param("task", providerTaskId)
                .param("now", SqlTime.ts(now))
                .query((rs, n) -> {
                    String gaveUp = rs.getString("given_up");
                    if (gaveUp != null) {
                        log.warn(
                                "job {} takes provider task {} from job {} ({}), which named it only from its"
                                        + " submit's unclear answer (no record of it read): {} names no task again"
                                        + " (a live one waits for its own callback or its deadline; a failed one"
                                        + " is shown nothing of this task)",
                                id,
                                providerTaskId,
                                gaveUp,
                                rs.getString("given_up_state"),
                                gaveUp);
                    }
                    return rs.getInt("marked") == 1;
                })
                .single();
    }
}
