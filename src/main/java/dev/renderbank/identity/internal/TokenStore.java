package dev.renderbank.identity.internal;

import dev.renderbank.identity.ApiToken;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.Role;
import dev.renderbank.platform.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code api_token} table: issue, list, revoke, and the lookup every bearer call makes. */
@Repository
public class TokenStore {

    /** How stale {@code last_used_at} may get before a call writes it again. */
    public static final Duration USE_RESOLUTION = Duration.ofMinutes(1);

    /** The window {@code renderbank.tokens.max-created-per-day} counts creations in. */
    public static final Duration CREATION_WINDOW = Duration.ofDays(1);

    private final JdbcClient jdbc;

    public TokenStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A token found by its hash: who it stands for, and when it was last recorded as used. */
    public record Found(long tokenId, CurrentUser user, Instant lastUsedAt) {}

    /** Live means not revoked and not expired at {@code now}; a suspended user is refused later (SuspendedAccountFilter). */
    public Optional<Found> findLive(byte[] hash, Instant now) {
        return jdbc.sql("""
                        select t.id as token_id, t.last_used_at, u.id, u.email, u.role, u.enabled
                          from api_token t join app_user u on u.id = t.user_id
                         where t.token_hash = :hash and t.revoked_at is null
                           and (t.expires_at is null or t.expires_at > :now)""")
                .param("hash", hash)
                .param("now", SqlTime.ts(now))
                .query((rs, n) -> new Found(
                        rs.getLong("token_id"),
                        new CurrentUser(
                                rs.getLong("id"),
                                rs.getString("email"),
                                Role.valueOf(rs.getString("role")),
                                rs.getBoolean("enabled"),
                                null),
                        SqlTime.instant(rs, "last_used_at")))
                .optional();
    }

    /**
     * Stores the uses {@link TokenUses} recorded: token {@code ids[i]} was used at {@code ats[i]}, one
     * statement for all of them; a token's time only moves forward. Returns how many tokens moved.
     */
    public int touchAll(List<Long> ids, List<Instant> ats) {
        return jdbc.sql("""
                        update api_token t set last_used_at = u.at
                          from (select id, to_timestamp(ms / 1000.0) as at
                                  from unnest(cast(:ids as bigint[]), cast(:ms as bigint[])) as v(id, ms)) u
                         where t.id = u.id and (t.last_used_at is null or t.last_used_at < u.at)""")
                .param("ids", ids.toArray(Long[]::new))
                .param("ms", ats.stream().map(Instant::toEpochMilli).toArray(Long[]::new))
                .update();
    }

    /** What {@link #lockUser} found. */
    public enum UserState {
        ACTIVE,
        SUSPENDED,
        DELETED
    }

    /**
     * Serialises token creation per user (the cap is then exact) and with a suspension or deletion of
     * the account (one under way is waited for, and then seen): the account's state; empty if there
     * is no such user.
     */
    public Optional<UserState> lockUser(long userId) {
        return jdbc.sql("""
                        select case when deleted_at is not null then 'DELETED'
                                    when not enabled then 'SUSPENDED' else 'ACTIVE' end
                          from app_user where id = :id for update""").param("id", userId).query(String.class).optional().map(UserState::valueOf);
    }

    public int countLive(long userId, Instant now) {
        return jdbc.sql("""
                        select count(*) from api_token
                         where user_id = :user and revoked_at is null
                           and (expires_at is null or expires_at > :now)""")
                .param("user", userId)
                .param("now", SqlTime.ts(now))
                .query(Integer.class)
                .single();
    }

    /** Tokens the user created after {@code since}: how many, and when the first of them was created. */
    public record Created(int count, Instant first) {}

    /** Counts every token created after {@code since}, revoked and expired ones too (they are rows all the same). */
    public Created createdSince(long userId, Instant since) {
        return jdbc.sql("select count(*), min(created_at) from api_token where user_id = :user and created_at > :since")
                .param("user", userId)
                .param("since", SqlTime.ts(since))
                .query((rs, n) -> new Created(rs.getInt(1), SqlTime.instant(rs, "min")))
                .single();
    }

    public long insert(long userId, byte[] hash, String name, Instant expiresAt, Instant now) {
        return jdbc.sql("""
                        insert into api_token (user_id, token_hash, name, expires_at, created_at)
                        values (:user, :hash, :name, :expires, :now) returning id""")
                .param("user", userId)
                .param("hash", hash)
                .param("name", name)
                .param("expires", SqlTime.ts(expiresAt))
                .param("now", SqlTime.ts(now))
                .query(Long.class)
                .single();
    }

    /**
     * The user's live tokens (at most {@code renderbank.tokens.max-per-user}, the cap is kept under
     * the user's lock) and the {@code expired} that expired last, newest first: the list says they
     * expired. However many expired rows the user has (until the sweep deletes them), no more are read.
     */
    public List<ApiToken> listOf(long userId, Instant now, int expired) {
        return jdbc.sql("""
                        (select id, name, created_at, last_used_at, expires_at from api_token
                          where user_id = :user and revoked_at is null and (expires_at is null or expires_at > :now))
                        union all
                        (select id, name, created_at, last_used_at, expires_at from api_token
                          where user_id = :user and revoked_at is null and expires_at <= :now
                          order by expires_at desc, id desc limit :expired)
                        order by id desc""")
                .param("user", userId)
                .param("now", SqlTime.ts(now))
                .param("expired", expired)
                .query(TokenStore::token)
                .list();
    }

    /** One page of the user's unrevoked tokens, expired ones too, newest first: those below {@code beforeId} (null: from the newest). */
    public List<ApiToken> page(long userId, Long beforeId, int limit) {
        return jdbc.sql("""
                        select id, name, created_at, last_used_at, expires_at from api_token
                         where user_id = :user and revoked_at is null and id < :before
                         order by id desc limit :limit""")
                .param("user", userId)
                .param("before", beforeId == null ? Long.MAX_VALUE : beforeId)
                .param("limit", limit)
                .query(TokenStore::token)
                .list();
    }

    private static ApiToken token(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new ApiToken(
                rs.getLong("id"),
                rs.getString("name"),
                SqlTime.instant(rs, "created_at"),
                SqlTime.instant(rs, "last_used_at"),
                SqlTime.instant(rs, "expires_at"));
    }

    /** 1 if this user's live token was revoked now; 0 if it is not theirs or already revoked. */
    public int revoke(long userId, long tokenId, Instant now) {
        return jdbc.sql("""
                        update api_token set revoked_at = :now
                         where id = :id and user_id = :user and revoked_at is null""")
                .param("now", SqlTime.ts(now))
                .param("id", tokenId)
                .param("user", userId)
                .update();
    }

    /** Revokes every token of the user; returns how many were live. */
    public int revokeAll(long userId, Instant now) {
        return jdbc.sql("update api_token set revoked_at = :now where user_id = :user and revoked_at is null")
                .param("now", SqlTime.ts(now))
                .param("user", userId)
                .update();
    }
}
