package dev.renderbank.identity;

import dev.renderbank.identity.internal.AccountStore;
import dev.renderbank.identity.internal.DeletionStore;
import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.identity.internal.LoginThrottle;
import dev.renderbank.identity.internal.PasswordRules;
import dev.renderbank.identity.internal.RequestLimits;
import dev.renderbank.platform.DurableEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changing a password (knowing the current one), resetting a forgotten one by an emailed one-time
 * link, and the "change it first" rule for one-time passwords. A change ends the user's other
 * sessions; a reset ends all of them, every API token and every webhook endpoint (whoever knew the
 * old password is out everywhere).
 */
@Service
public class Passwords {

    /** Set on a session signed in with a password that must be changed first (see {@link #mustChange}). */
    public static final String MUST_CHANGE_SESSION_ATTRIBUTE = "renderbank.mustChangePassword";

    /**
     * How long after a reset or a change the same form, sent again, still answers "changed" ({@link
     * #reset}, {@link #change}). The hash a change replaced is kept no longer than that: the identity
     * sweep clears it once the window is over ({@code IdentitySweep}).
     */
    public static final Duration REPEAT_WINDOW = Duration.ofMinutes(2);

    /** What a change or a reset did. */
    public sealed interface Outcome {
        record Changed() implements Outcome {}

        /** Bad input, nothing written; {@code field} is the form field to fix. */
        record Invalid(String field, String message) implements Outcome {}

        /** The reset link is unknown, used or expired. */
        record LinkNotValid() implements Outcome {}
    }

    private final AccountStore store;
    private final DeletionStore rows;
    private final EmailTokenStore tokens;
    private final PasswordRules rules;
    private final RequestLimits limits;
    private final PasswordEncoder encoder;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final AccountRecovery recovery;
    private final DurableEvents events;
    private final SignupProperties props;
    private final Clock clock;

    Passwords(
            AccountStore store,
            DeletionStore rows,
            EmailTokenStore tokens,
            PasswordRules rules,
            RequestLimits limits,
            PasswordEncoder encoder,
            Sessions sessions,
            LoginThrottle throttle,
            AccountRecovery recovery,
            DurableEvents events,
            SignupProperties props,
            Clock clock) {
        this.store = store;
        this.rows = rows;
        this.tokens = tokens;
        this.rules = rules;
        this.limits = limits;
        this.encoder = encoder;
        this.sessions = sessions;
        this.throttle = throttle;
        this.recovery = recovery;
        this.events = events;
        this.props = props;
        this.clock = clock;
    }

    /**
     * "Forgot password": emails a reset link if the address has an enabled account. True for any
     * address (the same answer either way); false only when the request limits refuse.
     */
    @Transactional
    public boolean requestReset(String email, String client) {
        String address = email == null ? "" : email.strip();
        if (!limits.allow("forgot", client, address)) {
            return false;
        }
        if (Accounts.isEmail(address)) {
            store.byEmail(address).filter(AccountStore.Login::enabled).ifPresent(u -> {
                String token = Users.newSecret();
                Instant now = clock.instant();
                Instant expires = now.plus(props.resetLinkLifetime());
                long id = tokens.insert(u.id(), Purpose.RESET, token, now, expires);
                events.publish(new PasswordResetRequested(u.id(), id, token, expires));
            });
        }
        return true;
    }

    /** Whether a reset link still works (to show the form or say it does not); uses nothing. */
    public boolean resetLinkValid(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return false;
        }
        return tokens.find(Purpose.RESET, token)
                .filter(t -> t.usedAt() == null && t.expiresAt().isAfter(clock.instant()))
                .isPresent();
    }

    /**
     * Sets a new password through a reset link: once, before it expires. This is account recovery,
     * so it also ends every session, revokes every API token and removes every webhook endpoint
     * ({@link AccountRecovery}): whoever knew the old password could have minted tokens or pointed an
     * endpoint at themselves with a session, and those would outlive the new password otherwise.
     */
    @Transactional
    public Outcome reset(String token, String password) {
        if (!resetLinkValid(token)) {
            return repeatOfAReset(token, password) ? new Outcome.Changed() : new Outcome.LinkNotValid();
        }
        Optional<EmailTokenStore.Found> link = tokens.find(Purpose.RESET, token);
        // the account's row first, as a deletion takes it (then the links): a deletion under way is
        // waited for, and has used the link up; the reverse order deadlocked with it
        Optional<DeletionStore.Row> user = link.flatMap(l -> undeleted(l.userId()));
        if (user.isEmpty()) {
            return new Outcome.LinkNotValid();
        }
        Optional<String> weak = rules.problem(password, user.get().email());
        if (weak.isPresent()) {
            return new Outcome.Invalid("password", weak.get());
        }
        Instant now = clock.instant();
        if (tokens.use(Purpose.RESET, token, now).isEmpty()) {
            return new Outcome.LinkNotValid(); // a concurrent use won
        }
        recovery.recover(
                user.get().id(),
                user.get().email(),
                encoder.encode(password),
                link.get().id(),
                now);
        return new Outcome.Changed();
    }

    /**
     * Whether this is the same reset sent again (a double click, a resubmission) right after it
     * worked: the link was used within {@link #REPEAT_WINDOW}, this is its first repeat, and the
     * account's password is the one typed. It then leads where the first one did (changed, sign in), not to "this link is not
     * valid", and changes nothing: the first one already recovered the account.
     */
    private boolean repeatOfAReset(String token, String password) {
        if (token == null || token.isBlank() || token.length() > 200 || password == null) {
            return false;
        }
        Instant since = clock.instant().minus(REPEAT_WINDOW);
        return tokens.find(Purpose.RESET, token)
                .filter(t -> t.usedAt() != null && t.usedAt().isAfter(since))
                // one repeat per link: more would let its holder guess the new password unthrottled
                .filter(t -> tokens.spendRepeat(t.id()))
                .flatMap(t -> store.passwordHash(t.userId()))
                .filter(hash -> password.getBytes(StandardCharsets.UTF_8).length <= PasswordRules.MAX_BYTES
                        && encoder.matches(password, hash))
                .isPresent();
    }

    /**
     * Changes the password of a signed-in user who knows the current one; ends their other sessions.
     * API tokens and webhook endpoints are kept: the owner proved the current password, and their
     * integrations keep running (the page says where to revoke tokens; a reset, which proves only the
     * mailbox, revokes and removes both). Removing the endpoints alone would gain nothing: a token may
     * register endpoints. Open reset links are kept as well (the comment below says why).
     */
    @Transactional
    public Outcome change(long userId, String current, String password, String currentSessionId) {
        // the account's row before the attempt's throttle row, as a deletion takes them: the reverse
        // order deadlocked with a deletion under way (which is waited for: then there is no account)
        Optional<DeletionStore.Row> user = undeleted(userId);
        if (user.isEmpty()) {
            return new Outcome.Invalid("current", "The current password is not right.");
        }
        Optional<Duration> wait = throttle.claimAccountAttempt(user.get().email());
        if (wait.isPresent()) {
            return new Outcome.Invalid("current", tooManyWrong(wait.get()));
        }
        if (current == null || !encoder.matches(current, user.get().passwordHash())) {
            if (repeatOfAChange(userId, current, password, user.get().passwordHash())) {
                throttle.recordSuccess(user.get().email());
                return new Outcome.Changed(); // the first one changed it and ended the other sessions
            }
            return new Outcome.Invalid("current", "The current password is not right.");
        }
        throttle.recordSuccess(user.get().email());
        if (password != null && password.equals(current)) {
            return new Outcome.Invalid("password", "Choose a password different from the current one.");
        }
        Optional<String> weak = rules.problem(password, user.get().email());
        if (weak.isPresent()) {
            return new Outcome.Invalid("password", weak.get());
        }
        store.changePassword(userId, encoder.encode(password), user.get().passwordHash(), clock.instant());
        // Open reset links are kept: the mailbox decides whose account it is (a link reaches only the
        // mailbox, which can always ask for another), so a change by whoever holds the password must
        // not be able to void the owner's link each time it is mailed. The reset ends this session too.
        sessions.endSessions(userId, currentSessionId);
        return new Outcome.Changed();
    }

    /**
     * Whether this is the change just made sent again (a double submit, the browser resending the
     * POST): within {@link #REPEAT_WINDOW} of the change, its first repeat, "current" is the password
     * the change replaced and the new one is the account's. It then says "changed" as the first did,
     * and changes nothing. The caller has counted the attempt on the account's throttle, as for any
     * other, and the first attempt after a change whose "current" is wrong spends the repeat, right or
     * not: whoever holds the session learns no more than by the form itself, one guess of both
     * passwords at most, and not whether the old password alone was right.
     */
    private boolean repeatOfAChange(long userId, String current, String password, String hash) {
        if (current == null || password == null) {
            return false;
        }
        Optional<String> replaced =
                store.spendChangeRepeat(userId, clock.instant().minus(REPEAT_WINDOW));
        if (replaced.isEmpty()
                || current.getBytes(StandardCharsets.UTF_8).length > PasswordRules.MAX_BYTES
                || password.getBytes(StandardCharsets.UTF_8).length > PasswordRules.MAX_BYTES) {
            return false;
        }
        // both checked, whichever fails: the time taken says nothing about which was wrong
        boolean wasCurrent = encoder.matches(current, replaced.get());
        boolean isNew = encoder.matches(password, hash);
        return wasCurrent && isNew;
    }

    /** The user's row, locked against a deletion (one under way is waited for); empty if deleted. */
    private Optional<DeletionStore.Row> undeleted(long userId) {
        return rows.lockAgainstChanges(userId).filter(r -> !r.deleted());
    }

    /** The answer while the account waits after too many wrong passwords (here, at deletion or at sign-in). */
    static String tooManyWrong(Duration wait) {
        long seconds = wait.toSeconds();
        return "Too many wrong passwords. Try again in "
                + (seconds < 60 ? seconds + " seconds." : ((seconds + 59) / 60) + " minutes.");
    }

    /** The user must replace their password before anything else (a printed one-time password). */
    @Transactional
    public void requireChange(long userId) {
        if (!store.requirePasswordChange(userId)) {
            throw new IllegalArgumentException("no user " + userId);
        }
    }

    public boolean mustChange(long userId) {
        return store.mustChangePassword(userId);
    }
}
