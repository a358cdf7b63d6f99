package dev.renderbank.identity.internal;

import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Account deletion and the sign-up bonus claims ({@code app_user.deleted_at}, {@code signup_bonus_claim}). */
@Repository
public class DeletionStore {

    private final JdbcClient jdbc;

    public DeletionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Row(
            long id, String email, String passwordHash, boolean emailVerified, boolean deleted, boolean enabled) {}

    /** The row, locked until the end of the caller's transaction. */
    public Optional<Row> lock(long userId) {
        return lock(userId, "for update");
    }

    private Optional<Row> lock(long userId, String lockClause) {
        return jdbc.sql("""
                        select id, email, password_hash, email_verified, deleted_at is not null as deleted, enabled
                          from app_user where id = :id
                        """ + lockClause)
                .param("id", userId)
                .query((rs, n) -> new Row(
                        rs.getLong("id"),
                        rs.getString("email"),
                        rs.getString("password_hash"),
                        rs.getBoolean("email_verified"),
                        rs.getBoolean("deleted"),
                        rs.getBoolean("enabled")))
                .optional();
    }

    /**
     * The row, locked against a suspension, reinstatement or deletion until the end of the caller's
     * transaction, but not against {@link #lockUndeleted}'s key-share lock: a transaction that holds
     * the user's credit account and queues an email (which takes that lock) never waits for this one,
     * so a caller may take the credit account after it without a deadlock. A deletion under way is
     * waited for, and then seen ({@link Row#deleted}). The flows that use one of the user's emailed
     * links or claim a password attempt and then write the account (verification, password reset and
     * change) take this first, so they lock in the order a deletion does (account, then links and
     * throttle row), never the other.
     */
    public Optional<Row> lockAgainstChanges(long userId) {
        return lock(userId, "for no key update");
    }

    /**
     * Whether the account is still there (not deleted), keeping it so until the caller's transaction
     * ends: the row's key-share lock conflicts with {@link #lock}'s {@code for update}, which a
     * deletion takes first. A deletion already under way is waited for, and then seen.
     */
    public boolean lockUndeleted(long userId) {
        return jdbc.sql("select deleted_at is null from app_user where id = :id for key share")
                .param("id", userId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    public boolean isDeleted(long userId) {
        return jdbc.sql("select deleted_at is not null from app_user where id = :id")
                .param("id", userId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    /** A deleted account's unique address key: no address's, as it has no {@code @}. */
    static String deletedKey(long userId) {
        return "deleted:" + userId;
    }

    /**
     * Removes the personal data and closes the door: a placeholder address (never deliverable: {@code
     * .invalid}), no name, a password hash no password matches, disabled. The unique address key is
     * {@code deleted:<id>}, not the placeholder's canonical form: a key without {@code @} is no
     * address's, so nothing signed up (even the placeholder address itself, which sign-up accepted
     * before it refused {@code .invalid}) can make the deletion fail on it, and no lookup by address
     * finds a deleted account.
     */
    public int anonymise(long userId, Instant now) {
        return jdbc.sql("""
                        update app_user set email = 'deleted-' || id || '@deleted.invalid',
                               email_key = :key, email_key_version = :keyVersion,
                               display_name = null, password_hash = '{bcrypt}!', password_replaced_hash = null,
                               enabled = false, deleted_at = :now
                         where id = :id and deleted_at is null""")
                .param("id", userId)
                .param("key", deletedKey(userId))
                .param("keyVersion", EmailKeys.VERSION)
                .param("now", SqlTime.ts(now))
                .update();
    }

    /** The user holding the sign-up bonus claim under {@code addressHash}, if any. */
    public Optional<Long> claimant(byte[] addressHash) {
        return jdbc.sql("select user_id from signup_bonus_claim where address_hash = :hash")
                .param("hash", addressHash)
                .query(Long.class)
                .optional();
    }

    /**
     * Claims the sign-up bonus of an address for a user: true if this user holds the claim (just
     * now or before), false if another account of the same address had it.
     */
    public boolean claim(byte[] addressHash, long userId, Instant now) {
        jdbc.sql("""
                        insert into signup_bonus_claim (address_hash, user_id, claimed_at)
                        values (:hash, :user, :now) on conflict (address_hash) do nothing""")
                .param("hash", addressHash)
                .param("user", userId)
                .param("now", SqlTime.ts(now))
                .update();
        return jdbc.sql("select user_id from signup_bonus_claim where address_hash = :hash")
                        .param("hash", addressHash)
                        .query(Long.class)
                        .single()
                == userId;
    }
}
