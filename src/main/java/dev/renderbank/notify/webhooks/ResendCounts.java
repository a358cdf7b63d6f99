package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.platform.FixedWindowCounter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Fixed-window counts of the resends each user asked for ({@code webhook_resend_count}), so one owner
 * cannot keep the senders busy and the attempt history growing by resending every delivery once per
 * {@code renderbank.webhooks.resend-interval}. Counted by the platform's {@link FixedWindowCounter}.
 */
@Repository
public class ResendCounts {

    private final JdbcClient jdbc;
    private final FixedWindowCounter<Long> counts;

    ResendCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.counts = new FixedWindowCounter<>(jdbc, "webhook_resend_count", "user_id", "resends");
    }

    /**
     * Counts one resend of {@code userId} if the user has resent fewer than {@code max} in the window
     * that began at most {@code window} before {@code now} (a new window begins with the first resend
     * after the last one ended). Empty when counted; otherwise when the current window ends. One
     * conditional upsert: resends at once never pass the cap together. Run it in the resend's
     * transaction, which rolls the count back when nothing is queued.
     */
    public Optional<Instant> count(long userId, Instant now, Duration window, int max) {
        return counts.hit(userId, now, window, max) instanceof FixedWindowCounter.Refused r
                ? Optional.of(r.windowEnds())
                : Optional.empty();
    }

    /** Deletes the counts whose window ended before {@code cutoff}; returns how many. */
    public int sweep(Instant cutoff) {
        return jdbc.sql("delete from webhook_resend_count where window_start < :cutoff")
                .param("cutoff", ts(cutoff))
                .update();
    }
}
