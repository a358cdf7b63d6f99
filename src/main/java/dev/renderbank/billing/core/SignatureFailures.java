package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.SqlTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Refused webhook signatures: a security signal, and the classic sign of a rotated or wrong
 * secret (every real purchase is then refused). Counted in
 * {@code renderbank.webhook.signature.failures} (per node, like every metric); when they persist
 * (threshold within the window) operators are alerted, at most once per window and provider. The
 * window lives in PostgreSQL, so failures landing on different nodes add up and only one node
 * alerts: with a per-node window, N nodes behind a load balancer saw each a 1/N share and might
 * never reach the threshold. Failures are counted per provider and one-minute bucket (one upserted
 * row per minute, however many requests a flood sends), and buckets older than the window are
 * deleted when a new bucket starts.
 */
@Component
public class SignatureFailures {

    private static final Logger security = LoggerFactory.getLogger("dev.renderbank.security");

    private static final Duration BUCKET = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final MeterRegistry meters;
    private final OperatorAlerts alerts;
    private final PaymentsProperties props;
    private final Clock clock;

    SignatureFailures(
            JdbcClient jdbc, MeterRegistry meters, OperatorAlerts alerts, PaymentsProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.alerts = alerts;
        this.props = props;
        this.clock = clock;
    }

    public void record(String provider, String reason, String remoteAddr) {
        security.warn("Refused {} webhook from {}: {}", provider, remoteAddr, reason);
        Counter.builder("renderbank.webhook.signature.failures")
                .description("Payment webhooks refused for a missing or wrong signature")
                .tag("provider", provider)
                .register(meters)
                .increment();
        Instant now = clock.instant();
        Instant cutoff = now.minus(props.signatureAlertWindow());
        Instant firstBucket = bucketOf(cutoff);
        boolean newBucket = jdbc.sql("""
                        insert into webhook_signature_failure as f (provider, bucket_start, failures)
                        values (:p, :bucket, 1)
                        on conflict (provider, bucket_start) do update set failures = f.failures + 1
                        returning (xmax = 0)""")
                .param("p", provider)
                .param("bucket", SqlTime.ts(bucketOf(now)))
                .query(Boolean.class)
                .single();
        if (newBucket) {
            jdbc.sql("delete from webhook_signature_failure where provider = :p and bucket_start < :first")
                    .param("p", provider)
                    .param("first", SqlTime.ts(firstBucket))
                    .update();
        }
        long count = jdbc.sql("select coalesce(sum(failures), 0) from webhook_signature_failure"
                        + " where provider = :p and bucket_start >= :first")
                .param("p", provider)
                .param("first", SqlTime.ts(firstBucket))
                .query(Long.class)
                .single();
        if (count >= props.signatureAlertThreshold() && claimAlert(provider, now, cutoff)) {
            alerts.raise(
                    "billing.webhook.signature",
                    count + " " + provider + " webhooks refused for bad signatures within "
                            + props.signatureAlertWindow().toMinutes()
                            + " min: check the webhook secret (a wrong secret refuses every purchase)");
        }
    }

    /**
     * The start of the bucket holding {@code at}: one minute, or the whole window when it is
     * shorter. The window counts every bucket it touches, so it may see up to one bucket more.
     */
    private Instant bucketOf(Instant at) {
        long width = Math.max(
                1, Math.min(BUCKET.toMillis(), props.signatureAlertWindow().toMillis()));
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), width) * width);
    }

    /** True for the one call, on any node, that may alert in this window. */
    private boolean claimAlert(String provider, Instant now, Instant cutoff) {
        return jdbc.sql("""
                        insert into webhook_signature_alert as a (provider, alerted_at) values (:p, :now)
                        on conflict (provider) do update set alerted_at = excluded.alerted_at
                         where a.alerted_at < :cutoff""")
                        .param("p", provider)
                        .param("now", SqlTime.ts(now))
                        .param("cutoff", SqlTime.ts(cutoff))
                        .update()
                == 1;
    }
}
