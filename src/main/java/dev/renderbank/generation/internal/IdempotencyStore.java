package dev.renderbank.generation.internal;

import dev.renderbank.platform.Idempotency;
import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code idempotency_record}: which job a user's Idempotency-Key accepted, for {@link
 * Idempotency#WINDOW}.
 */
@Repository
class IdempotencyStore {

    private final JdbcClient jdbc;

    IdempotencyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The job accepted under this key within the window before {@code now}, read with the key's
     * request hash in one statement (a replay's answer is the first's job); {@code job} is null if
     * the key names a job that no longer exists.
     */
    Optional<IdempotentHit> hit(long userId, String endpoint, String key, Instant now) {
        return jdbc.sql("""
                        select r.job_id as key_job_id, r.request_hash, j.*
                          from idempotency_record r left join generation_job j on j.id = r.job_id
                         where r.user_id = :u and r.endpoint = :e and r.idem_key = :k
                           and r.created_at >= :notBefore""")
                .param("u", userId)
                .param("e", endpoint)
                .param("k", key)
                .param("notBefore", SqlTime.ts(now.minus(Idempotency.WINDOW)))
                .query((rs, n) -> new IdempotentHit(
                        rs.getString("key_job_id"),
                        rs.getString("request_hash"),
                        rs.getString("id") == null ? null : JobStore.map(rs, n)))
                .optional();
    }

    record IdempotentHit(String jobId, String requestHash, Job job) {}

    /**
     * Claims the key for this request, in the caller's transaction: true if it was free or its last
     * use has left the window (that row is taken over), false if a use within the window holds it.
     * One statement: a free key, the common case, costs no lookup before the insert. Blocks while a
     * concurrent request with the same key is uncommitted, so a concurrent repeat waits for the
     * first; then, under READ COMMITTED, it sees the first's row if that committed (false: answer as
     * the first did, see {@link #hit}) or claims the key itself if the first rolled back (a refusal
     * is not stored). A row in the window stays locked by a false claim until the caller's
     * transaction ends, which a replay's short transaction does not mind.
     */
    boolean claim(long userId, String endpoint, String key, String hash, String jobId, Instant now) {
        return jdbc.sql("""
                        insert into idempotency_record (user_id, endpoint, idem_key, request_hash, job_id, created_at)
                        values (:u, :e, :k, :h, :job, :now)
                        on conflict (user_id, endpoint, idem_key) do update
                           set request_hash = excluded.request_hash, job_id = excluded.job_id,
                               created_at = excluded.created_at
                         where idempotency_record.created_at < :expired""")
                        .param("u", userId)
                        .param("e", endpoint)
                        .param("k", key)
                        .param("h", hash)
                        .param("job", jobId)
                        .param("now", SqlTime.ts(now))
                        .param("expired", SqlTime.ts(now.minus(Idempotency.WINDOW)))
                        .update()
                == 1;
    }

    /** Deletes the keys whose window has passed by {@code now}. */
    int forgetExpired(Instant now) {
        return jdbc.sql("delete from idempotency_record where created_at < :before")
                .param("before", SqlTime.ts(now.minus(Idempotency.WINDOW)))
                .update();
    }
}
