package dev.renderbank.identity;

import dev.renderbank.identity.internal.AddressHasher;
import dev.renderbank.identity.internal.DeletedMailboxes;
import dev.renderbank.identity.internal.DeletionStore;
import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.LoginThrottle;
import dev.renderbank.identity.internal.RequestLimits;
import dev.renderbank.platform.DurableEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * "Delete my account". Identity's part happens in one transaction: the password is checked, the
 * personal data removed (the row stays, anonymised, for the ledger and payment records), every API
 * token revoked, every open emailed link (reset, verification) used up, the address remembered only as a keyed hash (so the sign-up bonus is never paid to
 * it again; the throttles that count by address are keyed the same way, and its sign-in count and
 * known browsers go; its mailbox is remembered, keyed, for a new account of it to carry its debt:
 * {@link NewAccountOfMailbox}) and {@link AccountDeleted} published; the other modules do their part from that event.
 */
@Service
public class AccountDeletion {

    private static final Logger log = LoggerFactory.getLogger(AccountDeletion.class);

    private final DeletionStore accounts;
    private final ApiTokens tokens;
    private final AddressHasher addresses;
    private final PasswordEncoder passwords;
    private final DurableEvents events;
    private final Sessions sessions;
    private final EmailTokenStore links;
    private final LoginThrottle throttle;
    private final RequestLimits limits;
    private final DeletedMailboxes mailboxes;
    private final Clock clock;

    AccountDeletion(
            DeletionStore accounts,
            ApiTokens tokens,
            AddressHasher addresses,
            PasswordEncoder passwords,
            DurableEvents events,
            Sessions sessions,
            EmailTokenStore links,
            LoginThrottle throttle,
            RequestLimits limits,
            DeletedMailboxes mailboxes,
            Clock clock) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.addresses = addresses;
        this.passwords = passwords;
        this.events = events;
        this.sessions = sessions;
        this.links = links;
        this.throttle = throttle;
        this.limits = limits;
        this.mailboxes = mailboxes;
        this.clock = clock;
    }

    @Transactional
    public DeletionOutcome delete(long userId, String password) {
        Optional<DeletionStore.Row> found = accounts.lock(userId);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no user " + userId);
        }
        DeletionStore.Row row = found.get();
        if (row.deleted()) {
            return new DeletionOutcome.AlreadyDeleted(userId);
        }
        Optional<java.time.Duration> wait = throttle.claimAccountAttempt(row.email());
        if (wait.isPresent()) {
            return new DeletionOutcome.TooManyAttempts(Passwords.tooManyWrong(wait.get()));
        }
        if (password == null || !passwords.matches(password, row.passwordHash())) {
            return new DeletionOutcome.WrongPassword();
        }
        // its sign-in count and known browsers go; the request limits' keyed counts name nobody
        // without the secret and stay until the sweep (they still hold the address's allowance)
        throttle.forgetDeleted(row.email());
        limits.forgetUnkeyed(row.email());
        Instant now = clock.instant();
        if (row.emailVerified()) {
            // a verified address had (or could claim) its bonus: remember that, hashed, before erasing it
            accounts.claim(addresses.hash(row.email()), userId, now);
        }
        // its mailbox, keyed, so a new account of it starts owing what this one owes (the ledger's debt)
        mailboxes.remember(userId, row.email(), now);
        // by address, so before it is erased: every browser of this user is signed out on its next request
        int ended = sessions.endSessions(userId, null);
        if (accounts.anonymise(userId, now) != 1) {
            throw new IllegalStateException("user " + userId + " could not be anonymised");
        }
        int revoked = tokens.revokeAll(userId);
        // a reset link mailed before would otherwise set a password on the closed account
        for (EmailTokenStore.Purpose purpose : EmailTokenStore.Purpose.values()) {
            links.useAll(userId, purpose, now);
        }
        events.publish(new AccountDeleted(userId));
        log.info(
                "account {} deleted by its owner; {} API token(s) revoked, {} session(s) ended",
                userId,
                revoked,
                ended);
        return new DeletionOutcome.Deleted(userId);
    }

    public boolean isDeleted(long userId) {
        return accounts.isDeleted(userId);
    }

    /**
     * The live account that carries a debt the deleted account {@code userId} gets now (a refund or
     * dispute of its purchase): the latest account of its mailbox created since the deletion, or
     * empty (none yet, or no longer remembered: {@code renderbank.retention.deleted-account-debts});
     * the debt then waits on the deleted account for the mailbox's next account ({@link
     * NewAccountOfMailbox}).
     */
    public Optional<Long> liveSuccessor(long userId) {
        return mailboxes.liveSuccessor(userId);
    }

    /**
     * The key of the account's mailbox for the daily rewards ({@link AddressHasher#dailyRewardKey}: a
     * keyed digest, so billing may keep it after the account is deleted): every alias and spelling of
     * one inbox ({@code a.b@gmail.com}, {@code ab+x@googlemail.com}) has one key.
     */
    public String dailyRewardKey(UserAccount user) {
        return addresses.dailyRewardKey(user.email());
    }

    /** What {@link #claimSignupBonus} found. */
    public enum BonusClaim {
        /** This account may be paid the bonus now (idempotent for the same user). */
        CLAIMED,
        /** An account of the same address (deleted or not) had it. */
        TAKEN,
        /** The account is suspended: the bonus waits for its reinstatement. */
        SUSPENDED,
        /** No such live account, or its address is not verified. */
        NOT_ELIGIBLE
    }

    /**
     * For something written for a user that a deletion must find and remove (an email queued for
     * the user): false if the account is deleted; otherwise true, and the account cannot be
     * deleted until the caller's transaction ends, so a deletion after it sees what the caller wrote.
     * A deletion under way is waited for. Only inside the caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean keepUndeletedUntilCommit(long userId) {
        return accounts.lockUndeleted(userId);
    }

    /**
     * Takes the account row's lock that {@link #claimSignupBonus} takes, for a caller that must hold it
     * before it writes what a claim's caller writes after its claim (the sign-up bonus's wait): one
     * lock order for both, so they cannot deadlock. Only inside the caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void lockForSignupBonus(long userId) {
        accounts.lockAgainstChanges(userId);
    }

    /**
     * Claims the sign-up bonus for the user's verified address's mailbox (an alias of a mailbox that
     * had it, {@code a+x@host}, gets none: {@link AddressHasher#hash}), under the account row's lock, so an
     * operator's suspension committing at the same moment is seen (a suspended account is paid
     * nothing until it is reinstated). Idempotent for the same user.
     */
    @Transactional
    public BonusClaim claimSignupBonus(long userId) {
        // not FOR UPDATE: the caller grants next, and a grant elsewhere that mails this user holds the
        // credit account while it takes the row's key-share lock (a deadlock with FOR UPDATE)
        Optional<DeletionStore.Row> row = accounts.lockAgainstChanges(userId);
        if (row.isEmpty() || row.get().deleted() || !row.get().emailVerified()) {
            return BonusClaim.NOT_ELIGIBLE;
        }
        if (!row.get().enabled()) {
            return BonusClaim.SUSPENDED;
        }
        String email = row.get().email();
        // a claim of this exact address recorded before mailboxes were keyed still counts
        if (accounts.claimant(addresses.exactHash(email))
                .filter(holder -> holder != userId)
                .isPresent()) {
            return BonusClaim.TAKEN;
        }
        return accounts.claim(addresses.hash(email), userId, clock.instant()) ? BonusClaim.CLAIMED : BonusClaim.TAKEN;
    }
}
