package dev.renderbank.billing.db;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code billing_checkout_rate}: per user, the current window of the checkout limit and its calls. */
@Repository
public class CheckoutRateStore {

    private final JdbcClient jdbc;

    CheckoutRateStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes one of the user's {@code max} checkouts in the current window of {@code window}: one
     * conditional upsert, so concurrent requests on any node cannot both take the last one. Empty
     * when taken; otherwise how long until the window that is full ends.
     */
    public Optional<Duration> take(long userId, int max, Duration window, Instant now) {
        Instant cutoff = now.minus(window);
        boolean taken = jdbc.sql("""
                        insert into billing_checkout_rate (user_id, window_start, calls) values (:user, :now, 1)
                        on conflict (user_id) do update
                           set window_start = case when billing_checkout_rate.window_start <= :cutoff then :now
                                                   else billing_checkout_rate.window_start end,
                               calls = case when billing_checkout_rate.window_start <= :cutoff then 1
                                            else billing_checkout_rate.calls + 1 end
                         where billing_checkout_rate.window_start <= :cutoff or billing_checkout_rate.calls < :max
                        returning user_id""")
                .param("user", userId)
                .param("now", ts(now))
                .param("cutoff", ts(cutoff))
                .param("max", max)
                .query(Long.class)
                .optional()
                .isPresent();
        if (taken) {
            return Optional.empty();
        }
        Instant started = jdbc.sql("select window_start from billing_checkout_rate where user_id = :user")
                .param("user", userId)
                .query((rs, n) -> instant(rs, "window_start"))
                .single();
        Duration wait = Duration.between(now, started.plus(window));
        return Optional.of(wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait);
    }
}
