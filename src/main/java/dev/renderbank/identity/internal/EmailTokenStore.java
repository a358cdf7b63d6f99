package dev.renderbank.identity.internal;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code email_token} table: one-time links (verification, password reset), stored as the SHA-256
 * of their random token. Using one is a single conditional update, so two clicks race to one winner.
 */
@Repository
public class EmailTokenStore {

    public enum Purpose {
        VERIFY,
        RESET
    }

    /** A stored link as found by its token (whether or not it still works). */
    public record Found(long id, long userId, Instant expiresAt, Instant usedAt) {}

    private final JdbcClient jdbc;

    EmailTokenStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long insert(long userId, Purpose purpose, String token, Instant now, Instant expiresAt) {
        return jdbc.sql("""
                        insert into email_token (user_id, purpose, token_hash, created_at, expires_at)
                        values (:user, :purpose, :hash, :now, :expires) returning id""")
                .param("user", userId)
                .param("purpose", purpose.name())
                .param("hash", UserStore.sha256(token))
                .param("now", ts(now))
                .param("expires", ts(expiresAt))
                .query(Long.class)
                .single();
    }

    public Optional<Found> find(Purpose purpose, String token) {
        return jdbc.sql("""
                        select id, user_id, expires_at, used_at from email_token
                         where token_hash = :hash and purpose = :purpose""")
                .param("hash", UserStore.sha256(token))
                .param("purpose", purpose.name())
                .query((rs, n) -> new Found(
                        rs.getLong("id"), rs.getLong("user_id"), instant(rs, "expires_at"), instant(rs, "used_at")))
                .optional();
    }

    /** Uses the link if it is unused and unexpired; the user it stands for, or empty (0 rows: lost). */
    public Optional<Long> use(Purpose purpose, String token, Instant now) {
        return jdbc.sql("""
                        update email_token set used_at = :now
                         where token_hash = :hash and purpose = :purpose and used_at is null and expires_at > :now
                        returning user_id""")
                .param("hash", UserStore.sha256(token))
                .param("purpose", purpose.name())
                .param("now", ts(now))
                .query(Long.class)
                .optional();
    }

    /** Ends every other open link of this kind (a reset used, a password changed). */
    public int useAll(long userId, Purpose purpose, Instant now) {
        return jdbc.sql("""
                        update email_token set used_at = :now
                         where user_id = :user and purpose = :purpose and used_at is null""")
                .param("user", userId)
                .param("purpose", purpose.name())
                .param("now", ts(now))
                .update();
    }
}
