package dev.renderbank.identity;

import dev.renderbank.identity.internal.AccountStore;
import dev.renderbank.identity.internal.DeletedMailboxes;
import dev.renderbank.identity.internal.DeletionStore;
import dev.renderbank.identity.internal.EmailKeys;
import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.PasswordRules;
import dev.renderbank.identity.internal.RequestLimits;
import dev.renderbank.identity.internal.SignInNames;
import dev.renderbank.platform.DurableEvents;
import java.time.Clock;
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
 *
 * <p>Here is sign-up; the verification links (mailed, resent, checked and used) are {@link
 * VerificationLinks}, in the transactions of the methods here.
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
    private final PasswordRules rules;
    private final RequestLimits limits;
    private final PasswordEncoder passwords;
    private final DurableEvents events;
    private final SignupProperties props;
    private final VerificationLinks links;
    private final DeletedMailboxes mailboxes;

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
            DeletedMailboxes mailboxes,
            Clock clock) {
        this.store = store;
        this.mailboxes = mailboxes;
        this.rules = rules;
        this.limits = limits;
        this.passwords = passwords;
        this.events = events;
        this.props = props;
        this.links =
                new VerificationLinks(store, rows, tokens, limits, passwords, users, recovery, events, props, clock);
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
        if (SignInNames.couldExist(address) && !SignInNames.hasFullDomain(address)) {
            return new SignUpResult.Invalid(
                    "email",
                    "The part after the @ is not a full domain name such as example.com, so no mail can reach"
                            + " it. Enter your full address, such as you@example.com.");
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
            // a debt a deleted account of this mailbox left is owed by this one from its first moment
            mailboxes.opened(created.get(), address);
            String ref = referralCode == null || referralCode.isBlank() || referralCode.length() > 64
                    ? null
                    : referralCode.strip();
            events.publish(new SignedUp(created.get(), ref));
            links.send(created.get(), null);
        } else {
            // the same sign-up sent twice within moments mails one link (see VerificationLinks)
            store.byEmail(address)
                    .filter(u -> !u.verified() && u.enabled())
                    .filter(u -> !links.repeatsTheNewest(u, password))
                    .ifPresent(u -> links.send(u.id(), hash));
        }
        return new SignUpResult.Accepted();
    }

    /** "Send the link again": the same answer (true) for any address, false only when limited. */
    @Transactional
    public boolean resendVerification(String email, String client) {
        return links.resend(email, client);
    }

    /**
     * Whether this verification link works and would set a password (a repeated sign-up's): the page
     * then asks to confirm before {@link #verifyEmail}, so a mail scanner that opens links sets none.
     * Uses nothing.
     */
    public boolean linkSetsPassword(String token) {
        return links.setsPassword(token);
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
        return links.verify(token, typedPassword);
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
}
