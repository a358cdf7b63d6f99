package dev.renderbank.identity;

import dev.renderbank.identity.internal.PasswordStamps;
import dev.renderbank.identity.internal.SessionStore;
import dev.renderbank.identity.internal.TokenStore;
import dev.renderbank.identity.internal.UserAdminStore;
import dev.renderbank.identity.internal.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Service;

/**
 * For a response that outlives its request (an event stream): whether its caller is still signed in.
 * Every other request is checked when it arrives (the session, the token, the account's flag, the
 * password stamp); a stream is checked once, when opened, and must ask again while it runs, or it
 * keeps sending a user's data to a browser signed out, or to an account suspended or deleted since.
 */
@Service
public class StillSignedIn {

    private final SessionStore sessions;
    private final UserAdminStore accounts;
    private final TokenStore tokens;
    private final Clock clock;

    StillSignedIn(SessionStore sessions, UserAdminStore accounts, TokenStore tokens, Clock clock) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * A check, to be run later and repeatedly (a read or two by key each time), of whether the caller
     * of {@code request}, signed in as {@code user}, still is: with an API token, the token is still
     * live (not revoked, not expired) and its account active; with a browser session, the session is
     * still stored (not signed out, ended by a reset, a password change elsewhere or a deletion), its
     * account active, and its password the one it signed in with. False from the first failure on.
     */
    public BooleanSupplier checkFor(HttpServletRequest request, CurrentUser user) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (ApiTokens.isBearer(authorization)) {
            byte[] hash = UserStore.sha256(authorization.substring(7).trim());
            long userId = user.id();
            return latching(() -> tokens.findLive(hash, clock.instant())
                    .filter(found -> found.user().id() == userId && found.user().isEnabled())
                    .isPresent());
        }
        HttpSession session = request.getSession(false);
        if (session == null) {
            return () -> false;
        }
        String sessionId = session.getId();
        Object stamp = session.getAttribute(PasswordStamps.SESSION_ATTRIBUTE);
        long userId = user.id();
        return latching(() -> sessions.exists(sessionId)
                && accounts.sessionCheck(userId)
                        .filter(UserAdminStore.SessionCheck::enabled)
                        .filter(check -> stamp == null || stamp.equals(PasswordStamps.of(check.passwordHash())))
                        .isPresent());
    }

    private static BooleanSupplier latching(BooleanSupplier check) {
        boolean[] ended = {false};
        return () -> {
            synchronized (ended) {
                if (!ended[0] && !check.getAsBoolean()) {
                    ended[0] = true;
                }
                return !ended[0];
            }
        };
    }
}
