package dev.renderbank.generation.internal;

import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.JobState;
import dev.renderbank.platform.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads and inserts of {@code generation_job}. Its state changes are in {@link JobTransitions}: they
 * are compare-and-set, and their callers act on the result.
 */
@Repository
public class JobStore {

    /** The states of a job still in flight (not terminal), as an SQL list. */
    static final String LIVE = "('RESERVED', 'SUBMITTED', 'RUNNING', 'UNKNOWN')";

    /**
     * A live job as a condition that the partial indexes of live jobs match: their predicate is
     * {@code completed_at is null} (set by every transition to a terminal state and by none other), not
     * the state, so that the state changes of a live job stay HOT updates (issue 15).
     */
    static final String IS_LIVE = "completed_at is null and state in " + LIVE;

    private final JdbcClient jdbc;

    JobStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Job j) {
        int rows = jdbc.sql("""
                        insert into generation_job (id, user_id, type, model, prompt, options, provider_model,
                            provider_input, price, state, callback_token, progress, created_at, updated_at, deadline_at)
                        values (:id, :user, :type, :model, :prompt, :options, :providerModel, :providerInput, :price,
                            'RESERVED', :token, 0, :now, :now, :deadline)""")
                .param("id", j.id())
                .param("user", j.userId())
                .param("type", j.type().name())
                .param("model", j.model())
                .param("prompt", j.prompt())
                .param("options", j.options())
                .param("providerModel", j.providerModel())
                .param("providerInput", j.providerInput())
                .param("price", j.price())
                .param("token", j.callbackToken())
                .param("now", SqlTime.ts(j.createdAt()))
                .param("deadline", SqlTime.ts(j.deadlineAt()))
                .update();
        expectOne(rows, "insert of job " + j.id());
    }

    public Optional<Job> find(String id) {
        return jdbc.sql("select * from generation_job where id = :id")
                .param("id", id)
                .query(JobStore::map)
                .optional();
    }

    /** The job the provider's task id names (each task id names one job: generation_provider_task). */
    public Optional<Job> findByProviderTask(String providerTaskId) {
        return jdbc.sql("""
                        select j.* from generation_provider_task t join generation_job j on j.id = t.job_id
                         where t.provider_task_id = :task""").param("task", providerTaskId).query(JobStore::map).optional();
    }

    /**
     * Locks the job's row until the end of the current transaction (none there: nothing to lock). NO KEY
     * UPDATE, the lock an UPDATE of the job takes anyway: a plain FOR UPDATE also conflicts with the KEY
     * SHARE lock that inserting the job's asset takes (its foreign key), so a failure scheduling its
     * late check deadlocked with a success storing its output (an operator's "fail" racing a callback).
     */
    void lock(String id) {
        jdbc.sql("select id from generation_job where id = :id for no key update")
                .param("id", id)
                .query(String.class)
                .optional();
    }

    List<Job> page(long userId, String type, String state, Instant beforeCreated, String beforeId, int limit) {
        return jdbc.sql("""
                        select * from generation_job
                         where user_id = :user and (:type::text is null or type = :type)
                           and (:state::text is null or state = any(string_to_array(:state, ',')))
                           and (created_at, id) < (:beforeCreated, :beforeId)
                         order by created_at desc, id desc limit :limit""")
                .param("user", userId)
                .param("type", type)
                .param("state", state)
                .param("beforeCreated", SqlTime.ts(beforeCreated))
                .param("beforeId", beforeId)
                .param("limit", limit)
                .query(JobStore::map)
                .list();
    }

    int countInFlight(long userId, AssetType type) {
        return jdbc.sql("select count(*) from generation_job where user_id = :u and type = :t and " + IS_LIVE)
                .param("u", userId)
                .param("t", type.name())
                .query(Integer.class)
                .single();
    }

    /**
     * The earliest deadline of the user's live jobs of a type: by then at least one of them has ended
     * (finished, or failed and released), so a slot of the in-flight cap is free. Read only for a refusal.
     */
    Optional<Instant> firstDeadlineInFlight(long userId, AssetType type) {
        Instant first = jdbc.sql(
                        "select min(deadline_at) as first_deadline from generation_job where user_id = :u and type = :t"
                                + " and " + IS_LIVE)
                .param("u", userId)
                .param("t", type.name())
                .query((rs, n) -> SqlTime.instant(rs, "first_deadline"))
                .single();
        return Optional.ofNullable(first);
    }

    List<Job> liveCreatedBefore(Instant before, int limit) {
        return jdbc.sql("select * from generation_job where " + IS_LIVE
                        + " and created_at < :before order by created_at limit :limit")
                .param("before", SqlTime.ts(before))
                .param("limit", limit)
                .query(JobStore::map)
                .list();
    }

    /** A live job past its deadline, and its place in the sweep's order. */
    record Overdue(String id, Instant deadlineAt) {}

    /**
     * Live jobs whose deadline is at or before {@code now}, by deadline (then id), those after {@code
     * after} only (null: from the first): a sweep goes through the list once, past a job it could not
     * fail and which is therefore still live.
     */
    List<Overdue> liveJobsPastDeadline(Instant now, Overdue after, int limit) {
        String from = after == null ? "" : " and (deadline_at, id) > (:afterDeadline, :afterId)";
        var query = jdbc.sql("select id, deadline_at from generation_job where " + IS_LIVE + " and deadline_at <= :now"
                        + from + " order by deadline_at, id limit :limit")
                .param("now", SqlTime.ts(now))
                .param("limit", limit);
        if (after != null) {
            query = query.param("afterDeadline", SqlTime.ts(after.deadlineAt())).param("afterId", after.id());
        }
        return query.query((rs, n) -> new Overdue(rs.getString("id"), SqlTime.instant(rs, "deadline_at")))
                .list();
    }

    /**
     * The late-delivery checks of a failed job ended without a result (the provider failed its task,
     * or they gave up): its owner is no longer told a free result may still come.
     */
    void markLateChecksEnded(String id, Instant now) {
        jdbc.sql("""
                        update generation_job set late_checks_ended_at = :now
                         where id = :id and late_checks_ended_at is null and asset_id is null""").param("id", id).param("now", SqlTime.ts(now)).update();
    }

    static Job map(ResultSet rs, int n) throws SQLException {
        return new Job(
                rs.getString("id"),
                rs.getLong("user_id"),
                AssetType.valueOf(rs.getString("type")),
                rs.getString("model"),
                rs.getString("prompt"),
                rs.getString("options"),
                rs.getString("provider_model"),
                rs.getString("provider_input"),
                rs.getLong("price"),
                JobState.valueOf(rs.getString("state")),
                rs.getString("provider_task_id"),
                rs.getString("callback_token"),
                rs.getInt("progress"),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getLong("credits_charged"),
                rs.getString("asset_id"),
                rs.getBoolean("late_delivery"),
                SqlTime.instant(rs, "submit_started_at"),
                rs.getInt("attempts"),
                rs.getLong("version"),
                SqlTime.instant(rs, "created_at"),
                SqlTime.instant(rs, "submitted_at"),
                SqlTime.instant(rs, "completed_at"),
                SqlTime.instant(rs, "deadline_at"),
                SqlTime.instant(rs, "asset_deleted_at"),
                SqlTime.instant(rs, "late_checks_ended_at"));
    }
}
