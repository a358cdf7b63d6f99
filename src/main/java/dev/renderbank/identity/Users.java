package dev.renderbank.identity;

import dev.renderbank.identity.internal.DeletedMailboxes;
import dev.renderbank.identity.internal.UserStore;
import dev.renderbank.platform.DurableEvents;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Users, passwords and API tokens. */
@Service
public class Users {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserStore store;
    private final PasswordEncoder passwords;
    private final DurableEvents events;
    private final ApiTokens tokens;
    private final DeletedMailboxes mailboxes;

    Users(
            UserStore store,
            PasswordEncoder passwords,
            DurableEvents events,
            ApiTokens tokens,
            DeletedMailboxes mailboxes) {
        this.store = store;
        this.mailboxes = mailboxes;
        this.passwords = passwords;
        this.events = events;
        this.tokens = tokens;
    }

    /**
     * Marks the address verified; the first time only, {@link EmailVerified} is published durably in
     * the same transaction (billing grants the sign-up bonus on it).
     */
    @Transactional
    public boolean markEmailVerified(long userId) {
        boolean changed = store.markEmailVerified(userId);
        if (changed) {
            events.publish(new EmailVerified(userId));
        }
        return changed;
    }

    public Optional<UserAccount> byEmail(String email) {
        return store.findByEmail(email);
    }

    public Optional<UserAccount> byId(long id) {
        return store.findById(id);
    }

    /**
     * How many times the account was recovered through its mailbox (a password reset): what was
     * registered for it under a lower number was registered by whoever knew the old password. Empty
     * for a deleted account (or none): one read answers both.
     */
    public java.util.OptionalLong recoveriesIfLive(long id) {
        return store.recoveriesIfLive(id);
    }

    /**
     * Creates the user, or returns the existing one with that email (the password is then left as is).
     * A new user starts owing the debt a deleted account of its mailbox left ({@link NewAccountOfMailbox}).
     */
    @Transactional
    public UserAccount create(String email, String password, Role role, boolean emailVerified) {
        if (!Accounts.isNewAddress(email)) {
            throw new IllegalArgumentException("email is not a valid address");
        }
        if (password == null || password.length() < 12) {
            throw new IllegalArgumentException("password must be at least 12 characters");
        }
        Optional<Long> created = store.insertIfNew(email, passwords.encode(password), null, role, emailVerified);
        created.ifPresent(id -> mailboxes.opened(id, email));
        long id = created.orElseGet(() -> store.findByEmail(email).orElseThrow().id());
        return store.findById(id).orElseThrow();
    }

    /**
     * Sets the user's password for them (no current password asked). Their browser sessions signed
     * in with the old one are signed out at their next request (each session keeps a stamp of the
     * password it signed in with, compared on every request); their API tokens stay valid.
     */
    @Transactional
    public void setPassword(long userId, String password) {
        store.updatePassword(userId, passwords.encode(password));
    }

    /**
     * Sets the calendar the user's daily rewards count days in, and the zone their pages and emails
     * show times in: one of {@link TimeZones#all()}, spelt
     * exactly so; anything else changes nothing.
     */
    @Transactional
    public TimeZoneChange changeTimeZone(long userId, String timeZone) {
        Optional<String> zone = TimeZones.known(timeZone);
        if (zone.isEmpty()) {
            return new TimeZoneChange.Unknown(TimeZones.WHAT_TO_SEND);
        }
        return store.updateTimeZone(userId, zone.get())
                ? new TimeZoneChange.Changed(zone.get())
                : new TimeZoneChange.AccountGone();
    }

    /**
     * How the user's pages and emails write times: in the zone the user chose ({@link UserTimes});
     * UTC for an account that is gone.
     */
    public UserTimes times(long userId) {
        return store.findById(userId).map(u -> UserTimes.in(u.timeZone())).orElse(UserTimes.UTC);
    }

    /** Issues a new API token; it is shown once and stored only as its SHA-256. */
    @Transactional
    public String issueToken(long userId, String name) {
        String token = newSecret();
        store.insertToken(userId, token, name);
        return token;
    }

    /** Registers a token chosen by configuration (demo scripts); idempotent. */
    @Transactional
    public void registerToken(long userId, String token, String name) {
        if (token.length() < 24) {
            throw new IllegalArgumentException("an API token must be at least 24 characters");
        }
        store.insertToken(userId, token, name);
    }

    /** The principal an API token stands for, if the token is live (see {@link ApiTokens#authenticate}). */
    public Optional<CurrentUser> authenticateToken(String token) {
        return tokens.authenticate(token);
    }

    /** 32 random bytes, URL-safe: 256 bits of entropy. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "rb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
