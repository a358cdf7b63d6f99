package dev.renderbank.identity;

import dev.renderbank.identity.Accounts.VerifyResult;
import dev.renderbank.identity.internal.AccountStore;
import dev.renderbank.identity.internal.DeletionStore;
import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.identity.internal.PasswordRules;
import dev.renderbank.identity.internal.RequestLimits;
import dev.renderbank.platform.DurableEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The email verification links of {@link Accounts}: mailed (also again, on request), checked, and
 * used once before they expire. A link may carry a repeated sign-up's password, which confirming it
 * sets ({@link AccountRecovery}); see the class comment of {@link Accounts}. Runs in the transactions
 * of {@link Accounts}' methods.
 */
final class VerificationLinks {

    /** How long after a sign-up the same sign-up, sent again, mails no second link. */
    static final Duration REPEAT_WINDOW = Duration.ofMinutes(2);

    private final AccountStore store;
    private final DeletionStore rows;
    private final EmailTokenStore tokens;
    private final RequestLimits limits;
    private final PasswordEncoder passwords;
    private final Users users;
    private final AccountRecovery recovery;
    private final DurableEvents events;
    private final SignupProperties props;
    private final Clock clock;

    VerificationLinks(
            AccountStore store,
            DeletionStore rows,
            EmailTokenStore tokens,
            RequestLimits limits,
            PasswordEncoder passwords,
            Users users,
            AccountRecovery recovery,
            DurableEvents events,
            SignupProperties props,
            Clock clock) {
        this.store = store;
        this.rows = rows;
        this.tokens = tokens;
        this.limits = limits;
        this.passwords = passwords;
        this.users = users;
        this.recovery = recovery;
        this.events = events;
        this.props = props;
        this.clock = clock;
    }

    /** The same answer (true) for any address, false only when limited. */
    boolean resend(String email, String client) {
        String address = email == null ? "" : email.strip();
        if (!limits.allow("resend", client, address)) {
            return false;
        }
        if (Accounts.isEmail(address)) {
            // The same link as the newest one, sent again: after a repeated sign-up it carries that
            // sign-up's password (typed to confirm). A link that only verified would keep the password
            // the first sign-up chose, and whatever that sign-up's sessions, tokens and endpoints are,
            // though whoever signed up last (perhaps the address's owner, after someone signed up with
            // it first) asked for the link with a password of their own.
            store.byEmail(address)
                    .filter(u -> !u.verified() && u.enabled())
                    .ifPresent(u -> send(
                            u.id(),
                            tokens.newestUnusedVerificationPassword(u.id()).orElse(null)));
        }
        return true;
    }

    /** Whether this link works and would set a password. Uses nothing. */
    boolean setsPassword(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return false;
        }
        return tokens.find(Purpose.VERIFY, token)
                .filter(t -> t.usedAt() == null && t.expiresAt().isAfter(clock.instant()))
                .filter(EmailTokenStore.Found::setsPassword)
                .isPresent();
    }

    /**
     * Uses the link; {@code typedPassword} must be the one it carries, or the account's own (which
     * then only confirms the address).
     */
    VerifyResult verify(String token, String typedPassword) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return new VerifyResult.Unknown();
        }
        Instant now = clock.instant();
        Optional<EmailTokenStore.Found> found = tokens.find(Purpose.VERIFY, token);
        if (found.isEmpty()) {
            return new VerifyResult.Unknown();
        }
        if (found.get().usedAt() != null) {
            return new VerifyResult.AlreadyUsed();
        }
        if (!found.get().expiresAt().isAfter(now)) {
            return new VerifyResult.Expired();
        }
        // A link that carries a repeated sign-up's password asks for a password: that one sets it and
        // signs everyone else out; the account's own (the first sign-up's, which the mailbox holder chose
        // if the repeated sign-up was someone else's) only confirms the address. Any other is refused.
        boolean setsPassword = found.get().passwordHash() != null;
        if (setsPassword && !typedMatches(typedPassword, found.get().passwordHash())) {
            if (store.passwordHash(found.get().userId())
                    .filter(current -> typedMatches(typedPassword, current))
                    .isEmpty()) {
                return new VerifyResult.PasswordMismatch();
            }
            setsPassword = false; // the account's own: confirms only
        }
        // the account's row first, as a deletion takes it (then the links): a deletion under way is
        // waited for, and has used the link up; the reverse order deadlocked with it
        Optional<DeletionStore.Row> row =
                rows.lockAgainstChanges(found.get().userId()).filter(r -> !r.deleted());
        if (row.isEmpty()) {
            return new VerifyResult.AlreadyUsed();
        }
        Optional<Long> user = tokens.use(Purpose.VERIFY, token, now);
        if (user.isEmpty()) {
            return new VerifyResult.AlreadyUsed(); // a concurrent click won
        }
        // the password read with the link is the one it carried: only this update's winner clears it
        String password = setsPassword ? found.get().passwordHash() : null;
        if (password != null) {
            recovery.recover(
                    user.get(), row.get().email(), password, found.get().id(), now);
        }
        return new VerifyResult.Verified(user.get(), users.markEmailVerified(user.get()), password != null);
    }

    /** Whether {@code typed} is the password {@code hash} holds; BCrypt reads 72 bytes at most, no chosen password is longer. */
    private boolean typedMatches(String typed, String hash) {
        return typed != null
                && typed.getBytes(StandardCharsets.UTF_8).length <= PasswordRules.MAX_BYTES
                && passwords.matches(typed, hash);
    }

    /**
     * Whether a sign-up of this unverified account with {@code typedPassword} is the last one sent
     * again (a double click, a resubmission): its newest link was mailed within {@link #REPEAT_WINDOW}
     * and confirming it gives the account this password (the link carries it, or carries none and the
     * account has it). That link is on its way; a second one would only alarm ("someone signed up
     * again") and, confirmed, sign everyone out for the password the account already has.
     */
    boolean repeatsTheNewest(AccountStore.Login account, String typedPassword) {
        Instant since = clock.instant().minus(REPEAT_WINDOW);
        return tokens.newestUnusedVerification(account.id())
                .filter(l -> l.createdAt().isAfter(since))
                .filter(l -> typedMatches(
                        typedPassword, l.passwordHash() != null ? l.passwordHash() : account.passwordHash()))
                .isPresent();
    }

    /** Mails a new verification link; {@code passwordHash} (null: none) is set when it is confirmed. */
    void send(long userId, String passwordHash) {
        String token = Users.newSecret();
        Instant now = clock.instant();
        Instant expires = now.plus(props.verificationLinkLifetime());
        long id = tokens.insert(userId, Purpose.VERIFY, token, passwordHash, now, expires);
        events.publish(new VerificationRequested(userId, id, token, expires));
    }
}
