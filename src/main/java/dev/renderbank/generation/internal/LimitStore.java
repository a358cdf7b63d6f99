package dev.renderbank.generation.internal;

import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code generation_limit}: one row per user and asset type, locked while a request is accepted so
 * the cooldown and the in-flight cap are checked and taken atomically.
 */
@Repository
class LimitStore {

    private final JdbcClient jdbc;

    LimitStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Locks the user's row for this asset type and returns it. A returning user's row exists: one
     * statement locks it; only a first request creates it, then locks it.
     */
    LockedRow lockLimits(long userId, AssetType type) {
        Optional<LockedRow> locked = lockExisting(userId, type);
        if (locked.isPresent()) {
            return locked.get();
        }
        jdbc.sql("insert into generation_limit (user_id, type) values (:u, :t) on conflict do nothing")
                .param("u", userId)
                .param("t", type.name())
                .update();
        return lockExisting(userId, type)
                .orElseThrow(() -> new IllegalStateException("limit row of user " + userId + " " + type + " missing"));
    }

    /**
     * The locked row: its cooldown end (null: none), and whether the account was deleted ({@link
     * #close}).
     */
    record LockedRow(Instant cooldown, boolean closed) {
        Optional<Instant> cooldownUntil() {
            return Optional.ofNullable(cooldown);
        }
    }

    /**
     * Closes the user's rows of every asset type for good (the account was deleted). Waits for the
     * accepts holding them: once this returns, every accept that got past its lock has committed, and
     * every later one finds the row closed.
     */
    void close(long userId) {
        for (AssetType type : AssetType.values()) {
            jdbc.sql("""
                            insert into generation_limit (user_id, type, closed) values (:u, :t, true)
                            on conflict (user_id, type) do update set closed = true""").param("u", userId).param("t", type.name()).update();
        }
    }

    /** The row, locked; empty when it does not exist yet. */
    private Optional<LockedRow> lockExisting(long userId, AssetType type) {
        return jdbc.sql(
                        "select cooldown_until, closed from generation_limit where user_id = :u and type = :t for update")
                .param("u", userId)
                .param("t", type.name())
                .query((rs, n) -> new LockedRow(SqlTime.instant(rs, "cooldown_until"), rs.getBoolean("closed")))
                .optional();
    }

    void startCooldown(long userId, AssetType type, Instant until) {
        int rows = jdbc.sql("update generation_limit set cooldown_until = :until where user_id = :u and type = :t")
                .param("until", SqlTime.ts(until))
                .param("u", userId)
                .param("t", type.name())
                .update();
        expectOne(rows, "cooldown of user " + userId + " " + type); // locked by lockLimits in this transaction
    }

    /**
     * Locks the user's row for this asset type, if it exists, for a finish that may give the
     * cooldown back: before that finish locks its job and the credit account, as an accept locks this
     * row before the credit account, so the two never wait for each other. No row: no cooldown to
     * give back, nothing to lock.
     */
    void lockForFinish(long userId, AssetType type) {
        lockExisting(userId, type);
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
                .param("accepted", SqlTime.ts(acceptedAt))
                .update();
    }
}
