package dev.renderbank.identity;

import dev.renderbank.identity.internal.AccountStore;
import dev.renderbank.identity.internal.DeletionStore;
import dev.renderbank.identity.internal.EmailKeys;
import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.identity.internal.PasswordRules;
import dev.renderbank.identity.internal.RequestLimits;
import dev.renderbank.identity.internal.SignInNames;
import dev.renderbank.platform.DurableEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Self-service accounts: sign-up, email verification, and the request for a new verification email.
 * Answers never tell whether an address has an account: sign-up and resend say "check your inbox"
 * either way, and the request limits are counted before anything is looked up. Emails leave through
 * durable events (identity cannot call notify, which depends on it).
 *
 * <p>An unverified account can sign in, so someone may sign up with another person's address first.
 * When the address's owner then signs up, their password travels with the new verification link
 * (hashed, with the link); confirming that link sets it and ends whatever the first sign-up's password
 * gave ({@link AccountRecovery}): the mailbox decides whose account it is.
 */
@Service
public class Accounts {

    /** What the sign-up form is told. */
    public sealed interface SignUpResult {
        /** Sign-up is switched off ({@code renderbank.signup.enabled=false}). */
        record Closed() implements SignUpResult {}

        /** Bad input, nothing written; {@code field} is the form field to fix. */
        record Invalid(String field, String message) implements SignUpResult {}

        /** Too many requests from this client or for this address. */
        record Limited() implements SignUpResult {}

        /** Check your inbox (whether the account is new, unverified or verified already). */
        record Accepted() implements SignUpResult {}
    }

    /** What opening a verification link did. */
    public sealed interface VerifyResult {
        /**
         * {@code firstTime}: the address was not verified before (the bonus follows); {@code
         * passwordSet}: the link carried a repeated sign-up's password, which is now the account's,
         * and every session, API token and webhook endpoint of the account was ended.
         */
        record Verified(long userId, boolean firstTime, boolean passwordSet) implements VerifyResult {

            public Verified(long userId, boolean firstTime) {
                this(userId, firstTime, false);
            }
        }

        record AlreadyUsed() implements VerifyResult {}

        record Expired() implements VerifyResult {}

        /**
         * The link carries a repeated sign-up's password, and the password typed to confirm it is not
         * that one: nothing was used or changed. Whoever signed up last chose it; the mailbox's owner
         * who did not (someone else signed up with their address) cannot confirm the link.
         */
        record PasswordMismatch() implements VerifyResult {}

        record Unknown() implements VerifyResult {}
    }

    private final AccountStore store;
    private final DeletionStore rows;
    private final EmailTokenStore tokens;
    private final PasswordRules rules;
    private final RequestLimits limits;
    private final PasswordEncoder passwords;
    private final Users users;
    private final AccountRecovery recovery;
    private final DurableEvents events;
    private final SignupProperties props;
    private final Clock clock;

    Accounts(
            AccountStore store,
            DeletionStore rows,
            EmailTokenStore tokens,
            PasswordRules rules,
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
        this.rules = rules;
        this.limits = limits;
        this.passwords = passwords;
        this.users = users;
        this.recovery = recovery;
        this.events = events;
        this.props = props;
        this.clock = clock;
    }

    public boolean signupOpen() {
        return props.enabled();
    }

    /**
     * Creates an unverified account and queues its verification email. An address that has an
     * account gets the same answer: if it is unverified, a new verification email whose link, once
     * confirmed, sets this password (see the class comment); nothing otherwise. {@code referralCode}
     * travels in {@link SignedUp}; billing records the referrer.
     */
    @Transactional
    public SignUpResult signUp(String email, String password, String referralCode, String client) {
        return signUp(email, password, referralCode, client, null);
    }

    /**
     * {@link #signUp(String, String, String, String)} with the time zone the sign-up page read from the
     * browser: a new account keeps it when it is one a user may choose ({@link TimeZones}), else gets
     * {@link TimeZones#DEFAULT}. It is a guess, never a reason to refuse the sign-up; the user changes it
     * on {@code /account}. An address that has an account keeps its zone.
     */
    @Transactional
    public SignUpResult signUp(String email, String password, String referralCode, String client, String timeZone) {
        if (!props.enabled()) {
            return new SignUpResult.Closed();
        }
        String address = email == null ? "" : email.strip();
        if (SignInNames.inReservedDomain(address)) {
            return new SignUpResult.Invalid(
                    "email", "An address ending in .invalid can never receive email. Enter your own address.");
        }
        if (!isNewAddress(address)) {
            return new SignUpResult.Invalid("email", "Enter an email address such as you@example.com.");
        }
        OptionalInt lookAlike = EmailKeys.foldsIntoAnother(address);
        if (lookAlike.isPresent()) {
            return new SignUpResult.Invalid("email", SignInNames.lookAlikeProblem(lookAlike.getAsInt()));
        }
        Optional<String> weak = rules.problem(password, address);
        if (weak.isPresent()) {
            return new SignUpResult.Invalid("password", weak.get());
        }
        if (!limits.allow("signup", client, address)) {
            return new SignUpResult.Limited();
        }
        String hash = passwords.encode(password); // hashed for existing addresses too: same time taken
        Optional<Long> created =
                store.insertNew(address, hash, TimeZones.known(timeZone).orElse(TimeZones.DEFAULT));
        if (created.isPresent()) {
            String ref = referralCode == null || referralCode.isBlank() || referralCode.length() > 64
                    ? null
                    : referralCode.strip();
            events.publish(new SignedUp(created.get(), ref));
            sendVerification(created.get(), null);
        } else {
            store.byEmail(address)
                    .filter(u -> !u.verified() && u.enabled())
                    .ifPresent(u -> sendVerification(u.id(), hash));
        }
        return new SignUpResult.Accepted();
    }

    /** "Send the link again": the same answer (true) for any address, false only when limited. */
    @Transactional
    public boolean resendVerification(String email, String client) {
        String address = email == null ? "" : email.strip();
        if (!limits.allow("resend", client, address)) {
            return false;
        }
        if (isEmail(address)) {
            // The same link as the newest one, sent again: after a repeated sign-up it carries that
            // sign-up's password (typed to confirm). A link that only verified would keep the password
            // the first sign-up chose, and whatever that sign-up's sessions, tokens and endpoints are,
            // though whoever signed up last (perhaps the address's owner, after someone signed up with
            // it first) asked for the link with a password of their own.
            store.byEmail(address)
                    .filter(u -> !u.verified() && u.enabled())
                    .ifPresent(u -> sendVerification(
                            u.id(),
                            tokens.newestUnusedVerificationPassword(u.id()).orElse(null)));
        }
        return true;
    }

    /**
     * Whether this verification link works and would set a password (a repeated sign-up's): the page
     * then asks to confirm before {@link #verifyEmail}, so a mail scanner that opens links sets none.
     * Uses nothing.
     */
    public boolean linkSetsPassword(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return false;
        }
        return tokens.find(Purpose.VERIFY, token)
                .filter(t -> t.usedAt() == null && t.expiresAt().isAfter(clock.instant()))
                .filter(EmailTokenStore.Found::setsPassword)
                .isPresent();
    }

    /**
     * Opens a verification link: once, before it expires. A link that carries a repeated sign-up's
     * password also sets it and ends every session, API token and webhook endpoint of the account.
     */
    @Transactional
    public VerifyResult verifyEmail(String token) {
        return verifyEmail(token, null);
    }

    /**
     * {@link #verifyEmail(String)} with the password typed to confirm a link that would set one: it
     * must be that password ({@link VerifyResult.PasswordMismatch} otherwise, nothing used). A link
     * from someone else's sign-up with the owner's address thus cannot hand the account to them, even
     * if the owner follows it. Ignored for a link that sets no password.
     */
    @Transactional
    public VerifyResult verifyEmail(String token, String typedPassword) {
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
     * The same rule as {@link Users#create}: something@something, at most 254 characters, no control
     * characters (a NUL cannot even be stored).
     */
    static boolean isEmail(String s) {
        return SignInNames.couldExist(s);
    }

    /** Whether a new account may take this address: one mailbox, as the mailer reads it. */
    static boolean isNewAddress(String s) {
        return SignInNames.canSignUp(s);
    }

    /** Mails a new verification link; {@code passwordHash} (null: none) is set when it is confirmed. */
    private void sendVerification(long userId, String passwordHash) {
        String token = Users.newSecret();
        Instant now = clock.instant();
        long id = tokens.insert(
                userId, Purpose.VERIFY, token, passwordHash, now, now.plus(props.verificationLinkLifetime()));
        events.publish(new VerificationRequested(userId, id, token));
    }
}
