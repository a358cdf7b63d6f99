package dev.renderbank.identity.internal;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.util.List;
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

    /**
     * A stored link as found by its token (whether or not it still works). {@code passwordHash}: the
     * password a repeated sign-up chose, which confirming this verification link sets (null: none).
     */
    public record Found(long id, long userId, Instant expiresAt, Instant usedAt, String passwordHash) {

        public boolean setsPassword() {
            return passwordHash != null;
        }
    }

    private final JdbcClient jdbc;

    EmailTokenStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long insert(long userId, Purpose purpose, String token, Instant now, Instant expiresAt) {
        return insert(userId, purpose, token, null, now, expiresAt);
    }

    /**
     * A link that carries a password's hash ({@code passwordHash}, null: none), set when the link is
     * used: it is kept with the link, so it expires and is used up with it.
     */
    public long insert(
            long userId, Purpose purpose, String token, String passwordHash, Instant now, Instant expiresAt) {
        return jdbc.sql("""
                        insert into email_token (user_id, purpose, token_hash, password_hash, created_at, expires_at)
                        values (:user, :purpose, :hash, :password, :now, :expires) returning id""")
                .param("user", userId)
                .param("purpose", purpose.name())
                .param("hash", UserStore.sha256(token))
                .param("password", passwordHash)
                .param("now", ts(now))
                .param("expires", ts(expiresAt))
                .query(Long.class)
                .single();
    }

    public Optional<Found> find(Purpose purpose, String token) {
        return jdbc.sql("""
                        select id, user_id, expires_at, used_at, password_hash from email_token
                         where token_hash = :hash and purpose = :purpose""")
                .param("hash", UserStore.sha256(token))
                .param("purpose", purpose.name())
                .query((rs, n) -> new Found(
                        rs.getLong("id"),
                        rs.getLong("user_id"),
                        instant(rs, "expires_at"),
                        instant(rs, "used_at"),
                        rs.getString("password_hash")))
                .optional();
    }

    /** When a verification link was made, and the password it carries (null: none). */
    public record Newest(Instant createdAt, String passwordHash) {}

    /** The user's newest unused verification link, expired or not; empty if there is none. */
    public Optional<Newest> newestUnusedVerification(long userId) {
        return jdbc.sql("""
                        select created_at, password_hash from email_token
                         where user_id = :user and purpose = 'VERIFY' and used_at is null
                         order by created_at desc, id desc limit 1""")
                .param("user", userId)
                .query((rs, n) -> new Newest(instant(rs, "created_at"), rs.getString("password_hash")))
                .optional();
    }

    /**
     * The password hash the user's newest unused verification link carries, expired or not (a link's
     * password is cleared only when it is used); empty when that link carries none, or there is none.
     */
    public Optional<String> newestUnusedVerificationPassword(long userId) {
        List<String> newest = jdbc.sql("""
                        select password_hash from email_token
                         where user_id = :user and purpose = 'VERIFY' and used_at is null
                         order by created_at desc, id desc limit 1""")
                .param("user", userId)
                .query((rs, n) -> rs.getString("password_hash"))
                .list();
        return newest.isEmpty() ? Optional.empty() : Optional.ofNullable(newest.get(0));
    }

    /**
     * Uses the link if it is unused and unexpired; the user it stands for, or empty (0 rows: lost).
     * A password it carried is cleared with it: only a winner of this update may have read it live.
     */
    public Optional<Long> use(Purpose purpose, String token, Instant now) {
        return jdbc.sql("""
                        update email_token set used_at = :now, password_hash = null
                         where token_hash = :hash and purpose = :purpose and used_at is null and expires_at > :now
                        returning user_id""")
                .param("hash", UserStore.sha256(token))
                .param("purpose", purpose.name())
                .param("now", ts(now))
                .query(Long.class)
                .optional();
    }

    /**
     * Spends the one repeat a used link answers (a double click on its form): true the first time only.
     * A used link's {@code expires_at} no longer guards its use, so it is brought back to the moment
     * it was used as the mark (conditional: of two repeats at once, one wins).
     */
    public boolean spendRepeat(long id) {
        return jdbc.sql("""
                                update email_token set expires_at = used_at
                                 where id = :id and used_at is not null and expires_at > used_at""").param("id", id).update() == 1;
    }

    /** Ends every other open link of this kind (a reset used, a password changed). */
    public int useAll(long userId, Purpose purpose, Instant now) {
        return jdbc.sql("""
                        update email_token set used_at = :now, password_hash = null
                         where user_id = :user and purpose = :purpose and used_at is null""")
                .param("user", userId)
                .param("purpose", purpose.name())
                .param("now", ts(now))
                .update();
    }

    /**
     * Ends every open link that would set a password: reset links, and verification links of a
     * repeated sign-up (those that only verify the address stay). After a recovery no link mailed
     * before it can set another password.
     */
    public int useAllThatSetPasswords(long userId, Instant now) {
        return jdbc.sql("""
                        update email_token set used_at = :now, password_hash = null
                         where user_id = :user and used_at is null
                           and (purpose = 'RESET' or password_hash is not null)""").param("user", userId).param("now", ts(now)).update();
    }
}
