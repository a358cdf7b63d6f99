package dev.renderbank.identity;

import dev.renderbank.identity.internal.UserAdminStore;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * What operators do to accounts: suspend (refuse logins, API calls and new jobs, keep the data),
 * reinstate, revoke tokens. Each call joins the caller's transaction, so the operator's audit record
 * and the change commit together.
 */
@Service
public class UserAdministration {

    private final UserAdminStore store;

    UserAdministration(UserAdminStore store) {
        this.store = store;
    }

    /** True if the account was active and is now suspended. */
    public boolean suspend(long userId) {
        return store.setEnabled(userId, false);
    }

    /** True if the account was suspended and is active again. */
    public boolean reinstate(long userId) {
        return store.setEnabled(userId, true);
    }

    /** Whether the account may act; one read by primary key (checked on every authenticated request). */
    public boolean active(long userId) {
        return store.enabled(userId).orElse(false);
    }

    /** Revokes every live API token of the user; returns how many. */
    public int revokeTokens(long userId, Instant now) {
        return store.revokeTokens(userId, now);
    }

    public List<TokenInfo> tokens(long userId) {
        return store.tokens(userId);
    }
}
