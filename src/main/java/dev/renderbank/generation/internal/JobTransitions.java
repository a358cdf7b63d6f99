package dev.renderbank.generation.internal;

import dev.renderbank.platform.SqlTime;
import dev.renderbank.platform.StorableText;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The state machine of {@code generation_job} in SQL (SPEC section 4): every change is a
 * compare-and-set on {@code state}, and {@code true} means this caller won it and does its side
 * effects (in the same transaction, for the money moves).
 */
@Repository
public class JobTransitions {

    static final String CANCELLED_CODE = "cancelled";
    static final String CANCELLED_MESSAGE = "Cancelled before it reached the provider; your credits were released.";
    static final String LATE_FREE_MESSAGE =
            "The generation finished after its deadline; the result is yours, free of charge.";

    private final JdbcClient jdbc;
    private final TaskRecords tasks;

    JobTransitions(JdbcClient jdbc, TaskRecords tasks) {
        this.jdbc = jdbc;
        this.tasks = tasks;
    }

    /**
     * Marks the start of the one submit attempt; the attempt's number (its job's {@code attempts}),
     * empty if another attempt already started.
     */
    public OptionalInt markSubmitStarted(String id, Instant now) {
        Integer attempt = markSubmitStarted(List.of(id), now, UUID.randomUUID()).get(id);
        return attempt == null ? OptionalInt.empty() : OptionalInt.of(attempt);
    }

    /**
     * {@link #markSubmitStarted(String, Instant)} for several jobs in one statement (one commit in
     * autocommit): the jobs whose compare-and-set this caller won, each with its attempt's number. The
     * rows are locked in the primary key's order, whatever the order of {@code ids}. Each mark carries
     * {@code statement}, an id no other statement has (a random UUID each), by which the marks of
     * this statement alone can be undone ({@link SubmitStartedUndo}).
     */
    Map<String, Integer> markSubmitStarted(Collection<String> ids, Instant now, UUID statement) {
        return jdbc
                .sql("""
                        update generation_job set submit_started_at = :now, submit_mark_id = :statement,
                               attempts = attempts + 1, updated_at = :now
                         where id = any(:ids) and state = 'RESERVED' and submit_started_at is null
                        returning id, attempts""")
                .param("ids", ids.toArray(String[]::new))
                .param("now", SqlTime.ts(now))
                .param("statement", statement)
                .query((rs, n) -> Map.entry(rs.getString("id"), rs.getInt("attempts")))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * A retryable refusal (429, 455, nothing sent) proved the job's submit {@code attempt} created no
     * task: the next attempt may start. Only while that attempt's mark stands (no later attempt can
     * have started, nor a task been learned).
     */
    boolean clearSubmitStarted(String id, int attempt) {
        return jdbc.sql("""
                        update generation_job set submit_started_at = null, submit_mark_id = null
                         where id = :id and state = 'RESERVED' and submit_started_at is not null
                           and attempts = :attempt""").param("id", id).param("attempt", attempt).update() == 1;
    }

    /**
     * UNKNOWN → RESERVED, free to be sent again: {@link #clearSubmitStarted} for a job the task took
     * for interrupted while its {@code attempt} was still waiting for the refusal. Only while that
     * attempt's mark stands and no task is named: then that attempt was the job's only createTask
     * since the last one proven to create nothing, and the refusal proves it created nothing either.
     */
    boolean reopenRefusedAttempt(String id, int attempt, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'RESERVED', submit_started_at = null, submit_mark_id = null,
                               error_message = null, version = version + 1, updated_at = :now
                         where id = :id and state = 'UNKNOWN' and provider_task_id is null
                           and submit_started_at is not null and attempts = :attempt""")
                        .param("id", id)
                        .param("attempt", attempt)
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }

    /**
     * RESERVED/UNKNOWN → SUBMITTED with the provider's task, the job's own clear answer's (or a callback
     * to the job's own URL): only while the job names no task or this one. One statement: the job's row
     * (a HOT update, no indexed column changes) and the task's row in {@code generation_provider_task},
     * whose key refuses a task already named by another job (the whole statement fails then, nothing
     * changes), except by a job that names it only from its submit's unclear answer ({@code
     * task_from_unclear_answer}: no record of it read, no callback to its own URL confirming it; whatever
     * its state, a failed one's included: {@link TaskRecords}). The body of such an answer passed
     * through whatever made it unclear (a proxy may hand one request another's body), the clear answer or
     * the callback did not: that job gives the task up (without a task again: a live one waits for its own
     * callback or its deadline, a failed one is shown nothing of it), and this one takes it, in the same
     * statement. Rows are locked in the
     * order this job, the other job: a poll of the other job that read a record of the task first moved it
     * on (RUNNING or SUCCEEDED), and then the task stays its and this statement is refused.
     */
    boolean markSubmitted(String id, String providerTaskId, Instant now) {
        return tasks.markSubmitted(id, providerTaskId, now);
    }

    /** RESERVED → UNKNOWN; {@code why} (it may quote the provider's answer) kept as text can store it. */
    boolean markUnknown(String id, String why, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'UNKNOWN', error_message = :why, version = version + 1,
                               updated_at = :now
                         where id = :id and state = 'RESERVED'""")
                        .param("id", id)
                        .param("why", StorableText.of(why, JobFinisher.MAX_MESSAGE))
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }

    /**
     * RESERVED → UNKNOWN for a submit {@code attempt} taken for interrupted: only while that attempt's
     * mark still stands. Its own answer may clear the mark first (a 429 or 455, written late when the
     * database failed it for a moment: {@link AnswerWrites}); the job is then free to be sent again,
     * and must not become UNKNOWN, which nothing but a callback or the deadline would end.
     */
    boolean markInterrupted(String id, int attempt, String why, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'UNKNOWN', error_message = :why, version = version + 1,
                               updated_at = :now
                         where id = :id and state = 'RESERVED' and submit_started_at is not null
                           and attempts = :attempt""")
                        .param("id", id)
                        .param("attempt", attempt)
                        .param("why", StorableText.of(why, JobFinisher.MAX_MESSAGE))
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }

    /**
     * SUBMITTED/RUNNING/UNKNOWN → RUNNING with progress, read from the record of {@code providerTaskId};
     * no-op when nothing changes, or when the job no longer names that task (another job's clear answer
     * took it from this one's unclear answer: {@link #markSubmitted}). The provider's record was read,
     * so a streak of answers without one ({@link #noteRecordGap}) ends.
     */
    boolean markRunning(String id, String providerTaskId, int progress, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'RUNNING', progress = greatest(progress, :p),
                               record_gap_since = null, record_gap_answers = 0, task_from_unclear_answer = false,
                               version = version + 1, updated_at = :now
                         where id = :id and state in ('SUBMITTED', 'RUNNING', 'UNKNOWN') and provider_task_id = :task
                           and (state <> 'RUNNING' or progress < :p or record_gap_since is not null)""")
                        .param("id", id)
                        .param("task", providerTaskId)
                        .param("p", Math.max(0, Math.min(99, progress)))
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }

    /** Answers without a usable record of a job's task, in a row: since when, how many. */
    record RecordGap(Instant since, int answers) {}

    /**
     * One more answer without a usable record of the submitted job's task (the first starts the
     * streak); the streak as it now stands, empty when the job is no longer SUBMITTED or RUNNING. One
     * statement, so answers counted at once by two paths (a poll, a callback) are both counted.
     */
    Optional<RecordGap> noteRecordGap(String id, Instant now) {
        return jdbc.sql("""
                        update generation_job set record_gap_since = coalesce(record_gap_since, :now),
                               record_gap_answers = record_gap_answers + 1
                         where id = :id and state in ('SUBMITTED', 'RUNNING')
                        returning record_gap_since, record_gap_answers""")
                .param("id", id)
                .param("now", SqlTime.ts(now))
                .query((rs, n) -> new RecordGap(
                        rs.getObject("record_gap_since", OffsetDateTime.class).toInstant(),
                        rs.getInt("record_gap_answers")))
                .optional();
    }

    /**
     * The one winning transition to SUCCEEDED; the caller captures the hold in the same transaction.
     * {@code providerTaskId} is the task whose result it is (null: none named): the job must still name
     * it. One taken by another job's clear answer ({@link #markSubmitted}) delivers nothing to this job,
     * whose owner is neither charged for nor shown another user's result.
     */
    boolean markSucceeded(String id, String providerTaskId, String assetId, long charged, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'SUCCEEDED', progress = 100, asset_id = :asset,
                               task_from_unclear_answer = false, credits_charged = :charged, completed_at = :now, version = version + 1, updated_at = :now
                         where id = :id and (cast(:task as text) is null or provider_task_id = :task)
                           and state in """ + JobStore.LIVE)
                        .param("id", id)
                        .param("task", providerTaskId)
                        .param("asset", assetId)
                        .param("charged", charged)
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }

    /** A job just failed by {@link #markFailed}: its provider task, null when none was learned (yet). */
    record Failed(String providerTaskId) {}

    /**
     * The one winning transition to FAILED; the caller releases the hold in the same transaction.
     * Empty when another transition won; else the job's provider task as the failure left it. With
     * {@code polledTask} (a poll's failure) only while the job still names that task: another job's
     * clear answer may have taken it from this one's unclear answer meanwhile, and its failure is not
     * this job's.
     */
    Optional<Failed> markFailed(String id, String polledTask, String code, String message, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'FAILED', error_code = :code, error_message = :message,
                               completed_at = :now, version = version + 1, updated_at = :now
                         where id = :id and (cast(:task as text) is null or provider_task_id = :task)
                           and state in """ + JobStore.LIVE + " returning provider_task_id")
                .param("id", id)
                .param("task", polledTask)
                .param("code", code)
                .param("message", message)
                .param("now", SqlTime.ts(now))
                .query((rs, n) -> new Failed(rs.getString("provider_task_id")))
                .optional();
    }

    /**
     * Fails (or, with {@link #CANCELLED_CODE}, cancels) a job the provider has not seen: still
     * RESERVED and no submit attempt started.
     */
    boolean markFailedUnsent(String id, String code, String message, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'FAILED', error_code = :code, error_message = :message,
                               completed_at = :now, version = version + 1, updated_at = :now
                         where id = :id and state = 'RESERVED' and submit_started_at is null""")
                        .param("id", id)
                        .param("code", code)
                        .param("message", message)
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }

    /**
     * Turns the success just recorded in this transaction into a free late delivery: its hold could
     * not be captured (expired while nothing ran), so the job ends failed, with its asset, uncharged.
     */
    boolean markSucceededUncharged(String id, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'FAILED', late_delivery = true, credits_charged = 0,
                               error_code = :code, error_message = :message, version = version + 1, updated_at = :now
                         where id = :id and state = 'SUCCEEDED'""")
                        .param("id", id)
                        .param("code", FailureReasons.DEADLINE_CODE)
                        .param("message", LATE_FREE_MESSAGE)
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }

    /**
     * A delivery after the job was failed: shown to the user, never charged. {@code providerTaskId} is
     * the task whose result it is: the job must still name it (a failed job that named it only from its
     * unclear answer may have given it up to the job it was created for meanwhile: {@link
     * #markSubmitted}). Once delivered, the task is no longer only the unclear answer's: a later claim by
     * the job it was created for is refused and raised ({@code generation.task-claimed-twice}), since the
     * user was shown its result.
     */
    boolean markLateDelivery(String id, String providerTaskId, String assetId, Instant now) {
        return jdbc.sql("""
                        update generation_job set late_delivery = true, asset_id = :asset, version = version + 1,
                               task_from_unclear_answer = false, updated_at = :now
                         where id = :id and state = 'FAILED' and asset_id is null
                           and (cast(:task as text) is null or provider_task_id = :task)""")
                        .param("id", id)
                        .param("task", providerTaskId)
                        .param("asset", assetId)
                        .param("now", SqlTime.ts(now))
                        .update()
                == 1;
    }
}
