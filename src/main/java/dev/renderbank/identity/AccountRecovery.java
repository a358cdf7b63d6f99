package dev.renderbank.identity;

import dev.renderbank.identity.internal.AccountStore;
import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.LoginThrottle;
import dev.renderbank.identity.internal.TokenStore;
import dev.renderbank.platform.DurableEvents;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The account taken back through its mailbox (a reset link, or the verification link of a repeated
 * sign-up): the new password set, and everything whoever knew the old one could have kept ended. A
 * session, an API token, another emailed link that sets a password; and, through {@link
 * AccountRecovered}, the webhook endpoints notify keeps.
 */
@Component
class AccountRecovery {

    private final AccountStore store;
    private final EmailTokenStore links;
    private final Sessions sessions;
    private final TokenStore apiTokens;
    private final LoginThrottle throttle;
    private final DurableEvents events;

    AccountRecovery(
            AccountStore store,
            EmailTokenStore links,
            Sessions sessions,
            TokenStore apiTokens,
            LoginThrottle throttle,
            DurableEvents events) {
        this.store = store;
        this.links = links;
        this.sessions = sessions;
        this.apiTokens = apiTokens;
        this.throttle = throttle;
        this.events = events;
    }

    /**
     * Sets {@code passwordHash} for the user whose link {@code linkId} was just used. Only inside the
     * caller's transaction, which holds the account's row (as a deletion takes it, then the links).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void recover(long userId, String email, String passwordHash, long linkId, Instant now) {
        boolean beforeVerification =
                store.byEmail(email).map(login -> !login.verified()).orElse(false);
        links.useAllThatSetPasswords(userId, now);
        store.setPassword(userId, passwordHash);
        sessions.endSessions(userId, null);
        apiTokens.revokeAll(userId, now);
        throttle.recordSuccess(email); // the owner proved themselves by email
        throttle.forgetDevices(email); // a browser whoever knew the old password used is known no more
        long recovery = store.countRecovery(userId);
        events.publish(new AccountRecovered(userId, linkId, recovery, beforeVerification));
    }
}
