package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Fixed-window counts of the resends each user asked for ({@code webhook_resend_count}), so one owner
 * cannot keep the senders busy and the attempt history growing by resending every delivery once per
 * {@code renderbank.webhooks.resend-interval}.
 */
@Repository
public class ResendCounts {

    private final JdbcClient jdbc;

    ResendCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Counts one resend of {@code userId} if the user has resent fewer than {@code max} in the window
     * that began at most {@code window} before {@code now} (a new window begins with the first resend
     * after the last one ended). Empty when counted; otherwise when the current window ends. One
     * conditional upsert: resends at once never pass the cap together. Run it in the resend's
     * transaction, which rolls the count back when nothing is queued.
     */
    public Optional<Instant> count(long userId, Instant now, Duration window, int max) {
        Instant windowStart = now.minus(window);
        boolean counted = !jdbc.sql("""
                        insert into webhook_resend_count as r (user_id, window_start, resends) values (:u, :now, 1)
                        on conflict (user_id) do update set
                            window_start = case when r.window_start <= :windowStart then :now else r.window_start end,
                            resends = case when r.window_start <= :windowStart then 1 else r.resends + 1 end
                        where r.window_start <= :windowStart or r.resends < :max
                        returning resends""")
                .param("u", userId)
                .param("now", ts(now))
                .param("windowStart", ts(windowStart))
                .param("max", max)
                .query(Integer.class)
                .list()
                .isEmpty();
        if (counted) {
            return Optional.empty();
        }
        return Optional.of(jdbc.sql("select window_start from webhook_resend_count where user_id = :u")
                .param("u", userId)
                .query((rs, n) -> instant(rs, "window_start").plus(window))
                .optional()
                .orElse(now.plus(window)));
    }

    /** Deletes the counts whose window ended before {@code cutoff}; returns how many. */
    public int sweep(Instant cutoff) {
        return jdbc.sql("delete from webhook_resend_count where window_start < :cutoff")
                .param("cutoff", ts(cutoff))
                .update();
    }
}
