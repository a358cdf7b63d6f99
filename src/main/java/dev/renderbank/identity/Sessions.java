package dev.renderbank.identity;

import dev.renderbank.identity.internal.PasswordStamps;
import dev.renderbank.identity.internal.SessionStore;
import jakarta.servlet.http.HttpSession;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Signed-in browser sessions, which live in PostgreSQL (Spring Session JDBC) and are read by every
 * node on every request: ending one here signs that browser out on whichever node it next reaches.
 * For a password change (the other sessions), a reset (all), and later suspension by an admin.
 */
@Service
public class Sessions {

    private final SessionStore store;

    Sessions(SessionStore store) {
        this.store = store;
    }

    /**
     * After the user changed their password in this session (which stays signed in): the session's
     * stamp becomes the new password's, or the next request would sign it out (see {@link
     * PasswordStamps}).
     */
    public void restamp(HttpSession session, long userId) {
        store.passwordHash(userId)
                .ifPresent(hash -> session.setAttribute(PasswordStamps.SESSION_ATTRIBUTE, PasswordStamps.of(hash)));
    }

    /** Ends the user's sessions except {@code exceptSessionId} (null: all of them); how many ended. */
    @Transactional
    public int endSessions(long userId, String exceptSessionId) {
        return store.deleteOf(userId, exceptSessionId);
    }
}
