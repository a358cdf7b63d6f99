package dev.renderbank.identity.internal;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class UserStore {

    private final JdbcClient jdbc;

    public UserStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UserAccount> findByEmail(String email) {
        if (!SignInNames.couldExist(email)) {
            return Optional.empty(); // not sent to SQL: a NUL or a huge name would fail there
        }
        return jdbc.sql("select * from app_user where email_key = :key")
                .param("key", EmailKeys.of(email))
                .query(UserStore::mapAccount)
                .optional();
    }

    public Optional<UserAccount> findById(long id) {
        return jdbc.sql("select * from app_user where id = :id")
                .param("id", id)
                .query(UserStore::mapAccount)
                .optional();
    }

    /** How many times the account was recovered ({@code app_user.recoveries}); empty for a deleted one (or none). */
    public java.util.OptionalLong recoveriesIfLive(long id) {
        return jdbc.sql("select recoveries from app_user where id = :id and deleted_at is null")
                .param("id", id)
                .query(Long.class)
                .optional()
                .map(java.util.OptionalLong::of)
                .orElse(java.util.OptionalLong.empty());
    }

    public Optional<CurrentUser> principalByEmail(String email) {
        if (!SignInNames.couldExist(email)) {
            return Optional.empty(); // refused like a wrong password, with the same password-hash work
        }
        return jdbc.sql("select id, email, role, enabled, password_hash from app_user where email_key = :key")
                .param("key", EmailKeys.of(email))
                .query(UserStore::mapPrincipal)
                .optional();
    }

    /** Inserts the user unless the email exists; returns the id of whichever row holds the email. */
    public long insert(String email, String passwordHash, String displayName, Role role, boolean verified) {
        return insertIfNew(email, passwordHash, displayName, role, verified)
                .orElseGet(() -> findByEmail(email).orElseThrow().id());
    }

    /** Inserts the user unless the email exists; the new row's id, empty if the email exists. */
    public Optional<Long> insertIfNew(
            String email, String passwordHash, String displayName, Role role, boolean verified) {
        return jdbc.sql("""
                        insert into app_user (email, email_key, email_key_version, password_hash, display_name, role, email_verified)
                        values (:email, :key, :keyVersion, :hash, :name, :role, :verified)
                        on conflict do nothing returning id""")
                .param("email", email)
                .param("key", EmailKeys.of(email))
                .param("keyVersion", EmailKeys.VERSION)
                .param("hash", passwordHash)
                .param("name", displayName)
                .param("role", role.name())
                .param("verified", verified)
                .query(Long.class)
                .optional();
    }

    public boolean markEmailVerified(long userId) {
        return jdbc.sql("update app_user set email_verified = true where id = :id and not email_verified")
                        .param("id", userId)
                        .update()
                == 1;
    }

    /** Sets the account's time zone; false if there is no live account (deleted, or none). */
    public boolean updateTimeZone(long userId, String timeZone) {
        return jdbc.sql("update app_user set time_zone = :zone where id = :id and deleted_at is null")
                        .param("zone", timeZone)
                        .param("id", userId)
                        .update()
                == 1;
    }

    public void updatePassword(long userId, String passwordHash) {
        jdbc.sql("update app_user set password_hash = :hash, password_replaced_hash = null where id = :id")
                .param("hash", passwordHash)
                .param("id", userId)
                .update();
    }

    public void insertToken(long userId, String token, String name) {
        jdbc.sql(
                        "insert into api_token (user_id, token_hash, name) values (:user, :hash, :name) on conflict do nothing")
                .param("user", userId)
                .param("hash", sha256(token))
                .param("name", name)
                .update();
    }

    /** Disables the accounts with these emails; returns how many were enabled. */
    public int disable(Collection<String> emails) {
        return jdbc.sql("update app_user set enabled = false where email_key in (:keys) and enabled")
                .param("keys", keys(emails))
                .update();
    }

    /** Revokes every live token of the accounts with these emails; returns how many. */
    public int revokeTokensOf(Collection<String> emails) {
        return jdbc.sql("""
                        update api_token set revoked_at = now()
                         where revoked_at is null
                           and user_id in (select id from app_user where email_key in (:keys))""").param("keys", keys(emails)).update();
    }

    private static List<String> keys(Collection<String> emails) {
        return emails.stream().map(EmailKeys::of).toList();
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UserAccount mapAccount(ResultSet rs, int n) throws SQLException {
        return new UserAccount(
                rs.getLong("id"),
                rs.getString("email"),
                rs.getString("display_name"),
                Role.valueOf(rs.getString("role")),
                rs.getBoolean("email_verified"),
                rs.getString("time_zone"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    private static CurrentUser mapPrincipal(ResultSet rs, int n) throws SQLException {
        return new CurrentUser(
                rs.getLong("id"),
                rs.getString("email"),
                Role.valueOf(rs.getString("role")),
                rs.getBoolean("enabled"),
                rs.getString("password_hash"));
    }
}
