package dev.renderbank.identity.internal;

import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The self-service parts of {@code app_user}: new sign-ups, password hashes, "change it first". */
@Repository
public class AccountStore {

    /** What the password forms need of a user. */
    public record Login(long id, String email, String passwordHash, boolean verified, boolean enabled) {}

    private final JdbcClient jdbc;

    AccountStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts a new, unverified user in {@code timeZone}; empty if the address has an account already
     * (whose zone is left as it is).
     */
    public Optional<Long> insertNew(String email, String passwordHash, String timeZone) {
        return jdbc.sql("""
                        insert into app_user (email, email_key, email_key_version, password_hash, role, email_verified, time_zone)
                        values (:email, :key, :keyVersion, :hash, 'USER', false, :zone)
                        on conflict do nothing returning id""")
                .param("email", email)
                .param("key", EmailKeys.of(email))
                .param("keyVersion", EmailKeys.VERSION)
                .param("hash", passwordHash)
                .param("zone", timeZone)
                .query(Long.class)
                .optional();
    }

    public Optional<Login> byEmail(String email) {
        return jdbc.sql("""
                        select id, email, password_hash, email_verified, enabled
                          from app_user where email_key = :key""")
                .param("key", EmailKeys.of(email))
                .query(AccountStore::map)
                .optional();
    }

    /** The account's current password hash, if it has one. */
    public Optional<String> passwordHash(long userId) {
        return jdbc.sql("select password_hash from app_user where id = :id")
                .param("id", userId)
                .query(String.class)
                .optional();
    }

    /**
     * Sets the hash and clears "must change" in one statement (and what a change keeps for its repeat,
     * see {@link #changePassword}); false if no such user.
     */
    public boolean setPassword(long userId, String passwordHash) {
        return jdbc.sql("""
                        update app_user set password_hash = :hash, must_change_password = false,
                               password_replaced_hash = null
                         where id = :id""").param("hash", passwordHash).param("id", userId).update() == 1;
    }

    /**
     * A change by the user: sets the hash, clears "must change", and keeps when and the hash it
     * replaced, for the change's one repeat ({@link #spendChangeRepeat}); false if no such user.
     */
    public boolean changePassword(long userId, String passwordHash, String replacedHash, Instant now) {
        return jdbc.sql("""
                        update app_user set password_hash = :hash, must_change_password = false,
                               password_changed_at = :now, password_replaced_hash = :replaced
                         where id = :id""")
                        .param("hash", passwordHash)
                        .param("replaced", replacedHash)
                        .param("now", SqlTime.ts(now))
                        .param("id", userId)
                        .update()
                == 1;
    }

    /**
     * Spends the one repeat of the user's last change: the hash it replaced if the change was made
     * after {@code since}. Whatever was kept is forgotten, in the window or not (conditional: of two
     * attempts at once, one gets it). Empty if there is none to spend (none made, too old, spent).
     */
    public Optional<String> spendChangeRepeat(long userId, Instant since) {
        return jdbc.sql("""
                        with kept as (
                            select id, password_replaced_hash as hash, password_changed_at as at
                              from app_user where id = :id for no key update)
                        update app_user u set password_replaced_hash = null from kept
                         where u.id = kept.id and kept.hash is not null
                        returning case when kept.at > :since then kept.hash end""")
                .param("id", userId)
                .param("since", SqlTime.ts(since))
                .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
                .optional()
                .flatMap(hash -> hash);
    }

    /**
     * Counts a recovery of the account ({@code app_user.recoveries}); the number it now has. The caller
     * holds the account's row (as a recovery does), so the numbers follow the recoveries' order.
     */
    public long countRecovery(long userId) {
        return jdbc.sql("update app_user set recoveries = recoveries + 1 where id = :id returning recoveries")
                .param("id", userId)
                .query(Long.class)
                .single();
    }

    public boolean requirePasswordChange(long userId) {
        return jdbc.sql("update app_user set must_change_password = true where id = :id")
                        .param("id", userId)
                        .update()
                == 1;
    }

    public boolean mustChangePassword(long userId) {
        return jdbc.sql("select must_change_password from app_user where id = :id")
                .param("id", userId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    private static Login map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Login(
                rs.getLong("id"),
                rs.getString("email"),
                rs.getString("password_hash"),
                rs.getBoolean("email_verified"),
                rs.getBoolean("enabled"));
    }
}
