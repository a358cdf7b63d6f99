package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes what the webhook log no longer needs: deliveries done with (delivered or failed) created
 * more than {@code renderbank.webhooks.delivery-retention} ago, with their attempts, and the resend
 * counts of windows that ended. Run hourly by one node ({@link WebhookTasks}); a pending delivery is
 * never deleted.
 */
@Component
public class WebhookSweep {

    static final int BATCH = 1000;

    private final JdbcClient jdbc;
    private final WebhookProperties props;
    private final ResendCounts resendCounts;

    WebhookSweep(JdbcClient jdbc, WebhookProperties props, ResendCounts resendCounts) {
        this.jdbc = jdbc;
        this.props = props;
        this.resendCounts = resendCounts;
    }

    /** What one sweep deleted. */
    public record Swept(int deliveries, int resendCounts) {}

    /** Deletes, in batches of {@value #BATCH} deliveries (each its own statement), what expired before {@code now}. */
    public Swept sweep(Instant now) {
        Instant cutoff = now.minus(props.deliveryRetention());
        int deliveries = 0;
        int n;
        do {
            n = jdbc.sql("""
                            delete from webhook_delivery where id in (
                                select id from webhook_delivery where status <> 'PENDING' and created_at < :cutoff
                                   and (resent_at is null or resent_at < :cutoff)
                                 limit :batch for update skip locked)""").param("cutoff", ts(cutoff)).param("batch", BATCH).update();
            deliveries += n;
        } while (n == BATCH);
        return new Swept(deliveries, resendCounts.sweep(now.minus(props.resendCountWindow())));
    }
}
