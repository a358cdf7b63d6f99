package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.platform.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The generation module's SQL. State changes are compare-and-set; callers check the result. */
@Repository
class JobStore {

    static final String LIVE = "('RESERVED', 'SUBMITTED', 'RUNNING', 'UNKNOWN')";

    private final JdbcClient jdbc;

    JobStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Job j) {
        jdbc.sql("""
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
                .param("now", ts(j.createdAt()))
                .param("deadline", ts(j.deadlineAt()))
                .update();
    }

    Optional<Job> find(String id) {
        return jdbc.sql("select * from generation_job where id = :id")
                .param("id", id)
                .query(JobStore::map)
                .optional();
    }

    Optional<Job> findByProviderTask(String providerTaskId) {
        return jdbc.sql("select * from generation_job where provider_task_id = :t")
                .param("t", providerTaskId)
                .query(JobStore::map)
                .optional();
    }

    List<Job> page(long userId, String state, Instant beforeCreated, String beforeId, int limit) {
        return jdbc.sql("""
                        select * from generation_job
                         where user_id = :user and (:state::text is null or state = any(string_to_array(:state, ',')))
                           and (created_at, id) < (:beforeCreated, :beforeId)
                         order by created_at desc, id desc limit :limit""")
                .param("user", userId)
                .param("state", state)
                .param("beforeCreated", ts(beforeCreated))
                .param("beforeId", beforeId)
                .param("limit", limit)
                .query(JobStore::map)
                .list();
    }

    /** Locks the user's row for this asset type (created on first use) and returns its cooldown end. */
    Optional<Instant> lockLimits(long userId, AssetType type) {
        jdbc.sql("insert into generation_limit (user_id, type) values (:u, :t) on conflict do nothing")
                .param("u", userId)
                .param("t", type.name())
                .update();
        return jdbc.sql("select cooldown_until from generation_limit where user_id = :u and type = :t for update")
                .param("u", userId)
                .param("t", type.name())
                .query((rs, n) -> Optional.ofNullable(instant(rs, "cooldown_until")))
                .single();
    }

    void startCooldown(long userId, AssetType type, Instant until) {
        jdbc.sql("update generation_limit set cooldown_until = :until where user_id = :u and type = :t")
                .param("until", ts(until))
                .param("u", userId)
                .param("t", type.name())
                .update();
    }

    /** A failure that is not the user's fault gives the cooldown back, if it is still this job's. */
    void clearCooldown(long userId, AssetType type, Instant acceptedAt) {
        jdbc.sql("""
                        update generation_limit set cooldown_until = null
                         where user_id = :u and type = :t and cooldown_until is not null
                           and not exists (select 1 from generation_job where user_id = :u and type = :t
                                            and created_at > :accepted)""")
                .param("u", userId)
                .param("t", type.name())
                .param("accepted", ts(acceptedAt))
                .update();
    }

    int countInFlight(long userId, AssetType type) {
        return jdbc.sql("select count(*) from generation_job where user_id = :u and type = :t and state in " + LIVE)
                .param("u", userId)
                .param("t", type.name())
                .query(Integer.class)
                .single();
    }

    /** Returns the job id already accepted under this key and whether the request body matched. */
    Optional<IdempotentHit> idempotencyHit(long userId, String endpoint, String key, Instant notBefore) {
        return jdbc.sql("""
                        select job_id, request_hash from idempotency_record
                         where user_id = :u and endpoint = :e and idem_key = :k and created_at >= :notBefore""")
                .param("u", userId)
                .param("e", endpoint)
                .param("k", key)
                .param("notBefore", ts(notBefore))
                .query((rs, n) -> new IdempotentHit(rs.getString("job_id"), rs.getString("request_hash")))
                .optional();
    }

    record IdempotentHit(String jobId, String requestHash) {}

    /**
     * Claims the key for this request. Blocks while a concurrent first request with the same key is
     * uncommitted, so a concurrent repeat waits for the first; returns false if the key is taken.
     */
    boolean claimIdempotencyKey(long userId, String endpoint, String key, String hash, String jobId, Instant now) {
        jdbc.sql("""
                        delete from idempotency_record where user_id = :u and endpoint = :e and idem_key = :k
                           and created_at < :expired""")
                .param("u", userId)
                .param("e", endpoint)
                .param("k", key)
                .param("expired", ts(now.minus(java.time.Duration.ofHours(24))))
                .update();
        return jdbc.sql("""
                        insert into idempotency_record (user_id, endpoint, idem_key, request_hash, job_id, created_at)
                        values (:u, :e, :k, :h, :job, :now) on conflict do nothing""")
                        .param("u", userId)
                        .param("e", endpoint)
                        .param("k", key)
                        .param("h", hash)
                        .param("job", jobId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** Marks the start of the one submit attempt; false if another attempt already started. */
    boolean markSubmitStarted(String id, Instant now) {
        return jdbc.sql("""
                        update generation_job set submit_started_at = :now, attempts = attempts + 1,
                               updated_at = :now
                         where id = :id and state = 'RESERVED' and submit_started_at is null""").param("id", id).param("now", ts(now)).update() == 1;
    }

    /** A retryable refusal proved no task was created: allow the next attempt. */
    void clearSubmitStarted(String id) {
        jdbc.sql("update generation_job set submit_started_at = null where id = :id and state = 'RESERVED'")
                .param("id", id)
                .update();
    }

    boolean markSubmitted(String id, String providerTaskId, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'SUBMITTED', provider_task_id = :task, submitted_at = :now,
                               progress = greatest(progress, 5), version = version + 1, updated_at = :now
                         where id = :id and state in ('RESERVED', 'UNKNOWN')""")
                        .param("id", id)
                        .param("task", providerTaskId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** A failed job's provider task, learned only afterwards; the state stays FAILED. */
    boolean recordTaskOfFailedJob(String id, String providerTaskId, Instant now) {
        return jdbc.sql("""
                        update generation_job set provider_task_id = :task, updated_at = :now
                         where id = :id and state = 'FAILED' and provider_task_id is null""")
                        .param("id", id)
                        .param("task", providerTaskId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    boolean markUnknown(String id, String why, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'UNKNOWN', error_message = :why, version = version + 1,
                               updated_at = :now
                         where id = :id and state = 'RESERVED'""")
                        .param("id", id)
                        .param("why", why)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** SUBMITTED/RUNNING/UNKNOWN → RUNNING with progress; no-op when nothing changes. */
    boolean markRunning(String id, int progress, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'RUNNING', progress = greatest(progress, :p),
                               version = version + 1, updated_at = :now
                         where id = :id and state in ('SUBMITTED', 'RUNNING', 'UNKNOWN')
                           and (state <> 'RUNNING' or progress < :p)""")
                        .param("id", id)
                        .param("p", Math.max(0, Math.min(99, progress)))
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** The one winning transition to SUCCEEDED; the caller captures the hold in the same transaction. */
    boolean markSucceeded(String id, String assetId, long charged, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'SUCCEEDED', progress = 100, asset_id = :asset,
                               credits_charged = :charged, completed_at = :now, version = version + 1, updated_at = :now
                         where id = :id and state in """ + LIVE)
                        .param("id", id)
                        .param("asset", assetId)
                        .param("charged", charged)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** The one winning transition to FAILED; the caller releases the hold in the same transaction. */
    boolean markFailed(String id, String code, String message, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'FAILED', error_code = :code, error_message = :message,
                               completed_at = :now, version = version + 1, updated_at = :now
                         where id = :id and state in """ + LIVE)
                        .param("id", id)
                        .param("code", code)
                        .param("message", message)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** Cancels a job the provider has not seen: still RESERVED and no submit attempt started. */
    boolean markCancelled(String id, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'FAILED', error_code = 'cancelled',
                               error_message = 'Cancelled before it reached the provider; your credits were released.',
                               completed_at = :now, version = version + 1, updated_at = :now
                         where id = :id and state = 'RESERVED' and submit_started_at is null""").param("id", id).param("now", ts(now)).update() == 1;
    }

    /**
     * Turns the success just recorded in this transaction into a free late delivery: its hold could
     * not be captured (expired while nothing ran), so the job ends failed, with its asset, uncharged.
     */
    boolean markSucceededUncharged(String id, Instant now) {
        return jdbc.sql("""
                        update generation_job set state = 'FAILED', late_delivery = true, credits_charged = 0,
                               error_code = 'deadline_exceeded',
                               error_message = 'The generation finished after its deadline; the result is yours,'
                                   || ' free of charge.',
                               version = version + 1, updated_at = :now
                         where id = :id and state = 'SUCCEEDED'""").param("id", id).param("now", ts(now)).update() == 1;
    }

    /** A delivery after the job was failed: shown to the user, never charged. */
    boolean markLateDelivery(String id, String assetId, Instant now) {
        return jdbc.sql("""
                        update generation_job set late_delivery = true, asset_id = :asset, version = version + 1,
                               updated_at = :now
                         where id = :id and state = 'FAILED' and asset_id is null""")
                        .param("id", id)
                        .param("asset", assetId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    void insertAsset(
            String assetId,
            Job job,
            String storageKey,
            String contentType,
            long size,
            String sha256,
            String sourceUrl,
            Instant now) {
        jdbc.sql("""
                        insert into generation_asset (id, job_id, user_id, storage_key, content_type, size_bytes, sha256,
                                                      source_url, created_at)
                        values (:id, :job, :user, :key, :ct, :size, :sha, :src, :now)""")
                .param("id", assetId)
                .param("job", job.id())
                .param("user", job.userId())
                .param("key", storageKey)
                .param("ct", contentType)
                .param("size", size)
                .param("sha", sha256)
                .param("src", sourceUrl)
                .param("now", ts(now))
                .update();
    }

    Optional<AssetRow> asset(String assetId) {
        return jdbc.sql(
                        "select id, user_id, storage_key, content_type, size_bytes from generation_asset where id = :id")
                .param("id", assetId)
                .query((rs, n) -> new AssetRow(
                        rs.getString("id"),
                        rs.getLong("user_id"),
                        rs.getString("storage_key"),
                        rs.getString("content_type"),
                        rs.getLong("size_bytes")))
                .optional();
    }

    record AssetRow(String id, long userId, String storageKey, String contentType, long size) {}

    int forgetIdempotencyKeys(Instant before) {
        return jdbc.sql("delete from idempotency_record where created_at < :before")
                .param("before", ts(before))
                .update();
    }

    List<Job> liveCreatedBefore(Instant before, int limit) {
        return jdbc.sql("select * from generation_job where state in " + LIVE
                        + " and created_at < :before order by created_at limit :limit")
                .param("before", ts(before))
                .param("limit", limit)
                .query(JobStore::map)
                .list();
    }

    List<String> liveJobsPastDeadline(Instant now, int limit) {
        return jdbc.sql("select id from generation_job where state in " + LIVE
                        + " and deadline_at <= :now order by deadline_at limit :limit")
                .param("now", ts(now))
                .param("limit", limit)
                .query(String.class)
                .list();
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
                instant(rs, "submit_started_at"),
                rs.getInt("attempts"),
                rs.getLong("version"),
                instant(rs, "created_at"),
                instant(rs, "submitted_at"),
                instant(rs, "completed_at"),
                instant(rs, "deadline_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return SqlTime.instant(rs, column);
    }

    static OffsetDateTime ts(Instant instant) {
        return SqlTime.ts(instant);
    }
}
