package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.LedgerInput.checkAmount;
import static dev.renderbank.ledger.internal.LedgerInput.checkKey;
import static dev.renderbank.ledger.internal.LedgerInput.checkUser;

import dev.renderbank.ledger.CreditsGranted;
import dev.renderbank.ledger.GivenBack;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.platform.DurableEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The grant paths of {@link dev.renderbank.ledger.Ledger} (grants, announced grants, give-backs):
 * each checks its input, then runs its {@link GrantStore} step in a transaction (joining the
 * caller's, if any).
 */
@Component
public class Grants {

    private final GrantStore grants;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final DurableEvents events;

    public Grants(GrantStore grants, TransactionTemplate tx, Clock clock, DurableEvents events) {
        this.grants = grants;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
    }

    /** See {@link dev.renderbank.ledger.Ledger#grantAnnounced}. */
    public GrantResult grantAnnounced(
            String occasion,
            long userId,
            long amount,
            GrantSource source,
            String key,
            String reference,
            String reason,
            String actor) {
        if (occasion == null || !occasion.matches("[a-z]+(-[a-z]+){0,4}") || occasion.length() > 40) {
            throw new IllegalArgumentException("occasion must be lower-case words joined by '-', was " + occasion);
        }
        return grant(occasion, userId, amount, source, key, reference, reason, actor);
    }

    /**
     * A grant; when {@code occasion} is not null and this call granted the credits, {@link
     * CreditsGranted} is published in the grant's transaction.
     */
    public GrantResult grant(
            String occasion,
            long userId,
            long amount,
            GrantSource source,
            String key,
            String reference,
            String reason,
            String actor) {
        checkUser(userId);
        checkAmount(amount);
        checkKey(key);
        if (source == null) {
            throw new IllegalArgumentException("source is required");
        }
        return tx.execute(status -> {
            GrantResult g = grants.grant(userId, amount, source, key, reference, reason, actor, now());
            if (occasion != null && g instanceof GrantResult.Granted) {
                events.publish(new CreditsGranted(userId, amount, key, occasion));
            }
            return g;
        });
    }

    /** See {@link dev.renderbank.ledger.Ledger#giveBack}. */
    public GivenBack giveBack(
            long userId,
            long amount,
            List<String> reversed,
            String clawbackKeyPrefix,
            GrantSource source,
            String key,
            String reference,
            String reason) {
        checkUser(userId);
        checkAmount(amount);
        checkKey(key);
        if (source == null) {
            throw new IllegalArgumentException("source is required");
        }
        if (reversed == null) {
            throw new IllegalArgumentException("reversed is required (empty: nothing was clawed back)");
        }
        reversed.forEach(LedgerInput::checkKey);
        if (clawbackKeyPrefix == null) {
            throw new IllegalArgumentException("clawbackKeyPrefix is required (empty: every clawback of the grants)");
        }
        return tx.execute(status -> grants.giveBack(
                userId, amount, new Reversed(reversed, clawbackKeyPrefix), source, key, reference, reason, now()));
    }

    private Instant now() {
        return clock.instant();
    }
}
