package dev.renderbank.identity.internal;

import dev.renderbank.identity.TokenInfo;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Account state and tokens, for operators. */
@Repository
public class UserAdminStore {

    private final JdbcClient jdbc;

    UserAdminStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Compare-and-set: true only if this call changed the flag. A deleted account is never enabled again. */
    public boolean setEnabled(long userId, boolean enabled) {
        return jdbc.sql("""
                                update app_user set enabled = :on
                                 where id = :id and enabled <> :on and (not :on or deleted_at is null)""").param("on", enabled).param("id", userId).update() == 1;
    }

    public Optional<Boolean> enabled(long userId) {
        return jdbc.sql("select enabled from app_user where id = :id")
                .param("id", userId)
                .query(Boolean.class)
                .optional();
    }

    /** What a browser session's request is checked against: whether the account may act, and its password hash. */
    public record SessionCheck(boolean enabled, String passwordHash) {}

    /** One read by primary key; empty if there is no such user. */
    public Optional<SessionCheck> sessionCheck(long userId) {
        return jdbc.sql("select enabled, password_hash from app_user where id = :id")
                .param("id", userId)
                .query((rs, n) -> new SessionCheck(rs.getBoolean("enabled"), rs.getString("password_hash")))
                .optional();
    }

    /**
     * What a write made for a signed-in caller checks the caller against: whether the account was
     * deleted, may act, its password hash, and how many times it was recovered.
     */
    public record Standing(boolean deleted, boolean enabled, String passwordHash, long recoveries) {}

    /**
     * The account's standing, its row locked FOR SHARE until the caller's transaction ends: a recovery,
     * password change, suspension, operator's revocation of all tokens or deletion (each takes the row
     * for update) under way is waited for and then seen, and one that comes later waits for the
     * caller's commit. Empty if there is no such user.
     */
    public Optional<Standing> lockStanding(long userId) {
        return jdbc.sql("""
                        select deleted_at is not null as deleted, enabled, password_hash, recoveries
                          from app_user where id = :id for share""")
                .param("id", userId)
                .query((rs, n) -> new Standing(
                        rs.getBoolean("deleted"),
                        rs.getBoolean("enabled"),
                        rs.getString("password_hash"),
                        rs.getLong("recoveries")))
                .optional();
    }

    /** The flag, the row locked FOR SHARE until the caller's transaction ends (changes of it wait). */
    public Optional<Boolean> lockEnabled(long userId) {
        return jdbc.sql("select enabled from app_user where id = :id for share")
                .param("id", userId)
                .query(Boolean.class)
                .optional();
    }

    /**
     * Revokes every live token of the user, under the user's row lock, which a token's issue takes
     * too ({@link TokenStore#lockUser}): an issue under way is waited for and its token revoked, and
     * one after it waits for the caller's commit (and then finds its session ended, if the caller
     * ended it).
     */
    public int revokeTokens(long userId, Instant now) {
        jdbc.sql("select id from app_user where id = :id for no key update")
                .param("id", userId)
                .query(Long.class)
                .optional();
        return jdbc.sql("update api_token set revoked_at = :now where user_id = :id and revoked_at is null")
                .param("now", Timestamp.from(now))
                .param("id", userId)
                .update();
    }

    public List<TokenInfo> tokens(long userId) {
        return jdbc.sql("""
                        select id, name, created_at, revoked_at from api_token
                         where user_id = :id order by id desc limit 100""")
                .param("id", userId)
                .query((rs, n) -> new TokenInfo(
                        rs.getLong("id"),
                        rs.getString("name"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(rs.getObject("revoked_at", OffsetDateTime.class))
                                .map(OffsetDateTime::toInstant)
                                .orElse(null)))
                .list();
    }
}
