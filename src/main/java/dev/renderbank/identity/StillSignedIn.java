package dev.renderbank.identity;

import dev.renderbank.identity.internal.PasswordStamps;
import dev.renderbank.identity.internal.SessionStore;
import dev.renderbank.identity.internal.TokenStore;
import dev.renderbank.identity.internal.UserAdminStore;
import dev.renderbank.identity.internal.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * For a response that outlives its request (an event stream), or a write that must not outlive its
 * caller's sign-in (a webhook endpoint): whether its caller is still signed in. Every request is
 * checked when it arrives (the session, the token, the account's flag, the password stamp); a stream
 * is checked once, when opened, and must ask again while it runs, or it keeps sending a user's data
 * to a browser signed out, or to an account suspended or deleted since. A write that a recovery must
 * find (see {@link AccountRecovered}) asks again under the account's row lock ({@link
 * #lockWhileSignedIn}), or a request authenticated before the recovery could still write after it.
 */
@Service
public class StillSignedIn {

    /**
     * How a request signed in: the API token it presented, or its browser session and the password
     * stamp that session carries. Made by {@link #caller} from the request; opaque elsewhere.
     */
    public static final class Caller {
        private final long userId;
        private final byte[] tokenHash;
        private final String sessionId;
        private final Object stamp;

        private Caller(long userId, byte[] tokenHash, String sessionId, Object stamp) {
            this.userId = userId;
            this.tokenHash = tokenHash;
            this.sessionId = sessionId;
            this.stamp = stamp;
        }

        public long userId() {
            return userId;
        }

        @Override
        public String toString() {
            return "Caller[" + userId + (tokenHash != null ? ", token]" : ", session]");
        }
    }

    /** What {@link #lockWhileSignedIn} found. */
    public sealed interface Standing {
        /**
         * Still signed in; {@code recoveries}: how many times the account was recovered so far (the
         * number of the last {@link AccountRecovered}, 0 for none), to be kept with what is written.
         */
        record SignedIn(long recoveries) implements Standing {}

        /** The token was revoked or expired, or the session ended (a reset, a change, a sign-out). */
        record SignedOut() implements Standing {}

        record Suspended() implements Standing {}

        record Deleted() implements Standing {}
    }

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
        Caller caller = caller(request, user);
        if (caller.tokenHash != null) {
            return latching(() ->
                    liveToken(caller).filter(found -> found.user().isEnabled()).isPresent());
        }
        if (caller.sessionId == null) {
            return () -> false;
        }
        return latching(() -> sessions.exists(caller.sessionId)
                && accounts.sessionCheck(caller.userId)
                        .filter(UserAdminStore.SessionCheck::enabled)
                        .filter(check -> stampMatches(caller, check.passwordHash()))
                        .isPresent());
    }

    /** How the caller of {@code request}, signed in as {@code user}, signed in (its token, or its session). */
    public Caller caller(HttpServletRequest request, CurrentUser user) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (ApiTokens.isBearer(authorization)) {
            return new Caller(
                    user.id(), UserStore.sha256(authorization.substring(7).trim()), null, null);
        }
        HttpSession session = request.getSession(false);
        return session == null
                ? new Caller(user.id(), null, null, null)
                : new Caller(user.id(), null, session.getId(), session.getAttribute(PasswordStamps.SESSION_ATTRIBUTE));
    }

    /**
     * For a write made for {@code caller} that an account recovery must find (and so must not follow
     * it): locks the account's row until the caller's transaction ends, then tells whether the caller
     * is still signed in. A recovery, password change, suspension or deletion under way is waited for
     * and then seen (the session it ended, the token it revoked); one that comes later waits for the
     * caller's commit, and finds what it wrote. Only inside the caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Standing lockWhileSignedIn(Caller caller) {
        Optional<UserAdminStore.Standing> found = accounts.lockStanding(caller.userId);
        if (found.isEmpty() || found.get().deleted()) {
            return new Standing.Deleted();
        }
        if (!found.get().enabled()) {
            return new Standing.Suspended();
        }
        boolean signedIn = caller.tokenHash != null
                ? liveToken(caller).isPresent()
                : caller.sessionId != null
                        && sessions.exists(caller.sessionId)
                        && stampMatches(caller, found.get().passwordHash());
        return signedIn ? new Standing.SignedIn(found.get().recoveries()) : new Standing.SignedOut();
    }

    /** The caller's token, if it is still live (not revoked, not expired) and still the user's. */
    private Optional<TokenStore.Found> liveToken(Caller caller) {
        return tokens.findLive(caller.tokenHash, clock.instant())
                .filter(found -> found.user().id() == caller.userId);
    }

    /** A session signed in before stamps were kept has none, and is not checked by it. */
    private static boolean stampMatches(Caller caller, String passwordHash) {
        return caller.stamp == null || caller.stamp.equals(PasswordStamps.of(passwordHash));
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
