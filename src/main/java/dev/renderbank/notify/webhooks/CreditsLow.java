package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.internal.NotificationSettings;
import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code credits.low}, once per crossing below the user's threshold (available credits). Where:
 * available credits drop when a job is accepted (its price is held), which publishes no event, and
 * stay the same when it is charged; so the level is checked when a job succeeds (the spend is then
 * final) and {@code credits_low_state} remembers that the user is below. Only the check that flips
 * "below" from false to true fires (a conditional upsert: two handlers at once fire once); any check
 * that sees the user at or above the threshold again (after a purchase, a released hold, a later
 * success) re-arms it. The checks of one user run one at a time (a transaction-scoped advisory
 * lock taken before the level is read), so the last check's level is what the state says. The
 * crossing's number is part of the event's key, so a handler that runs twice
 * cannot fire twice for the same crossing.
 */
@Component
public class CreditsLow {

    private final JdbcClient jdbc;
    private final Ledger ledger;
    private final NotificationSettings settings;
    private final WebhookEvents events;
    private final Clock clock;

    CreditsLow(JdbcClient jdbc, Ledger ledger, NotificationSettings settings, WebhookEvents events, Clock clock) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Checks the user's level now. {@code mayFire}: this occurrence spent credits (a success), so a
     * level below the threshold is a crossing to report; otherwise the check only re-arms.
     *
     * @return whether this call fired {@code credits.low}
     */
    @Transactional
    public boolean check(long userId, boolean mayFire, long change, String reason) {
        if (!events.wanted(userId, WebhookEvents.CREDITS_LOW)) {
            return false;
        }
        // One check per user at a time, the level read after the previous check's commit: a success
        // that read a low level and a purchase's check that ran before it recorded "below" left the user
        // marked below while above, and the next real crossing fired nothing.
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:k, 0))")
                .param("k", "credits-low:" + userId)
                .query((rs, n) -> 1)
                .list();
        Balance b = ledger.balance(userId);
        long threshold = settings.creditsLowThreshold(userId);
        if (b.available() >= threshold) {
            jdbc.sql("update credits_low_state set below = false, updated_at = :now where user_id = :u and below")
                    .param("u", userId)
                    .param("now", ts(clock.instant()))
                    .update();
            return false;
        }
        if (!mayFire) {
            return false;
        }
        Optional<Integer> crossing = jdbc.sql("""
                        insert into credits_low_state (user_id, below, crossings, updated_at) values (:u, true, 1, :now)
                        on conflict (user_id) do update set below = true, crossings = credits_low_state.crossings + 1,
                                                            updated_at = excluded.updated_at
                        where not credits_low_state.below
                        returning crossings""")
                .param("u", userId)
                .param("now", ts(clock.instant()))
                .query(Integer.class)
                .optional();
        if (crossing.isEmpty()) {
            return false;
        }
        events.record(
                userId,
                WebhookEvents.CREDITS_LOW,
                "user:" + userId + ":crossing:" + crossing.get(),
                WebhookEvents.credits(b, change, reason));
        return true;
    }
}
