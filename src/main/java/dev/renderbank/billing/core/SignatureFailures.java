package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.SqlTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>The webhook routes are public, so a flood of unsigned requests must cost little: on each node
 * at most one request per provider writes the count at a time, adding what the others counted
 * meanwhile; the others count in memory and return at once, holding no pooled connection (they
 * all queued on the bucket row's lock, one commit each, until the pool was taken and every other
 * request got 503). The log line is written at most once a second per provider, with the number
 * refused since.
 */
@Component
public class SignatureFailures {

    private static final Logger security = LoggerFactory.getLogger("dev.renderbank.security");

    private static final Duration BUCKET = Duration.ofMinutes(1);

    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    /** Per provider: failures counted and not written yet, and who is writing. */
    private static final class Pending {
        final AtomicLong count = new AtomicLong();
        final ReentrantLock writing = new ReentrantLock();
        final AtomicLong unlogged = new AtomicLong();
        final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    }

    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

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
        Pending p = pending.computeIfAbsent(provider, k -> new Pending());
        long last = p.lastLog.get();
        long nanos = System.nanoTime();
        if (nanos - last >= LOG_EVERY_NANOS && p.lastLog.compareAndSet(last, nanos)) {
            long more = p.unlogged.getAndSet(0);
            security.warn(
                    "Refused {} webhook from {}: {}{}",
                    provider,
                    remoteAddr,
                    reason,
                    more > 0 ? " (and " + more + " more refused since the last line)" : "");
        } else {
            p.unlogged.incrementAndGet();
        }
        Counter.builder("renderbank.webhook.signature.failures")
                .description("Payment webhooks refused for a missing or wrong signature")
                .tag("provider", provider)
                .register(meters)
                .increment();
        p.count.incrementAndGet();
        // one writer per provider on this node; it writes what the others counted meanwhile too
        while (p.count.get() > 0 && p.writing.tryLock()) {
            try {
                long n = p.count.getAndSet(0);
                if (n > 0) {
                    try {
                        write(provider, n);
                    } catch (RuntimeException e) {
                        p.count.addAndGet(n); // counted again by the next one (the database is away)
                        throw e;
                    }
                }
            } finally {
                p.writing.unlock();
            }
        }
    }

    /** Adds {@code failures} to the current bucket, drops buckets out of the window, alerts once. */
    private void write(String provider, long failures) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(props.signatureAlertWindow());
        Instant firstBucket = bucketOf(cutoff);
        boolean newBucket = jdbc.sql("""
                        insert into webhook_signature_failure as f (provider, bucket_start, failures)
                        values (:p, :bucket, :n)
                        on conflict (provider, bucket_start) do update set failures = f.failures + :n
                        returning (xmax = 0)""")
                .param("p", provider)
                .param("n", failures)
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
                    AlertKind.BILLING_WEBHOOK_SIGNATURE,
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
