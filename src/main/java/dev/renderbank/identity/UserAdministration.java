package dev.renderbank.identity;

import dev.renderbank.identity.internal.TokenStore;
import dev.renderbank.identity.internal.UserAdminStore;
import dev.renderbank.platform.DurableEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * What operators do to accounts: suspend (refuse logins, API calls and new jobs, keep the data; a
 * suspended account is also paid no referral reward until it is reinstated), reinstate, revoke tokens. Each call joins the caller's transaction, so the operator's audit record
 * and the change commit together.
 */
@Service
public class UserAdministration {

    private final UserAdminStore store;
    private final TokenStore tokens;
    private final DurableEvents events;
    private final Clock clock;

    UserAdministration(UserAdminStore store, TokenStore tokens, DurableEvents events, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.events = events;
        this.clock = clock;
    }

    /** True if the account was active and is now suspended. */
    public boolean suspend(long userId) {
        return store.setEnabled(userId, false);
    }

    /**
     * True if the account was suspended and is active again; then publishes {@link AccountReinstated}
     * in the caller's transaction (which it requires).
     */
    public boolean reinstate(long userId) {
        if (!store.setEnabled(userId, true)) {
            return false;
        }
        events.publish(new AccountReinstated(userId, clock.instant()));
        return true;
    }

    /** Whether the account may act; one read by primary key (checked on every authenticated request). */
    public boolean active(long userId) {
        return store.enabled(userId).orElse(false);
    }

    /**
     * Whether the account may act, with its row locked FOR SHARE until the caller's transaction
     * (which it requires) ends: a suspension, reinstatement or deletion of the account waits for that
     * transaction, and one not committed yet is waited for and then seen. So a decision taken on it
     * (paying a reward to an active account) cannot commit beside a suspension that it did not see.
     */
    public boolean lockActive(long userId) {
        return store.lockEnabled(userId).orElse(false);
    }

    /** Revokes every live API token of the user; returns how many. */
    public int revokeTokens(long userId, Instant now) {
        return store.revokeTokens(userId, now);
    }

    /** How many API tokens of the user work now: neither revoked nor expired (all of them, counted). */
    public long liveTokens(long userId) {
        return tokens.countLive(userId, clock.instant());
    }

    /** The user's newest 100 tokens, for display ({@link #liveTokens} counts the live ones). */
    public List<TokenInfo> tokens(long userId) {
        return store.tokens(userId);
    }
}
