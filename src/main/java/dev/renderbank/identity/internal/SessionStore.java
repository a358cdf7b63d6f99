package dev.renderbank.identity.internal;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Spring Session's {@code spring_session} table, which every node reads on every request: deleting a
 * row here signs that browser out everywhere at its next request. The principal name is the email.
 */
@Repository
public class SessionStore {

    private final JdbcClient jdbc;

    SessionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Deletes the user's sessions except {@code exceptSessionId} (null: all); returns how many. */
    public int deleteOf(long userId, String exceptSessionId) {
        return jdbc.sql("""
                        delete from spring_session
                         where principal_name = (select email from app_user where id = :user)
                           and session_id <> coalesce(:except, '')""")
                .param("user", userId)
                .param("except", exceptSessionId)
                .update();
    }

    /** Whether the session is still stored (not ended by a sign-out, reset, change or deletion). */
    public boolean exists(String sessionId) {
        return jdbc.sql("select exists (select 1 from spring_session where session_id = :id)")
                .param("id", sessionId)
                .query(Boolean.class)
                .single();
    }

    /** The user's password hash now (for the session's stamp after its own password change). */
    public Optional<String> passwordHash(long userId) {
        return jdbc.sql("select password_hash from app_user where id = :id")
                .param("id", userId)
                .query(String.class)
                .optional();
    }
}
