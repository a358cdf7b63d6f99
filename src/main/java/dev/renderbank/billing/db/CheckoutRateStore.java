package dev.renderbank.billing.db;

import dev.renderbank.platform.FixedWindowCounter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code billing_checkout_rate}: per user, the current window of the checkout limit and its calls,
 * counted by the platform's {@link FixedWindowCounter}.
 */
@Repository
public class CheckoutRateStore {

    private final FixedWindowCounter<Long> counts;

    CheckoutRateStore(JdbcClient jdbc) {
        this.counts = new FixedWindowCounter<>(jdbc, "billing_checkout_rate", "user_id", "calls");
    }

    /**
     * Takes one of the user's {@code max} checkouts in the current window of {@code window}: one
     * conditional upsert, so concurrent requests on any node cannot both take the last one. Empty
     * when taken; otherwise how long until the window that is full ends (at least a second).
     */
    public Optional<Duration> take(long userId, int max, Duration window, Instant now) {
        if (!(counts.hit(userId, now, window, max) instanceof FixedWindowCounter.Refused r)) {
            return Optional.empty();
        }
        Duration wait = Duration.between(now, r.windowEnds());
        return Optional.of(wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait);
    }
}
