package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.SqlTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
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
 * never reach the threshold.
 */
@Component
public class SignatureFailures {

    private static final Logger security = LoggerFactory.getLogger("dev.renderbank.security");

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
        jdbc.sql("delete from webhook_signature_failure where provider = :p and refused_at < :cutoff")
                .param("p", provider)
                .param("cutoff", SqlTime.ts(cutoff))
                .update();
        jdbc.sql("insert into webhook_signature_failure (provider, refused_at) values (:p, :now)")
                .param("p", provider)
                .param("now", SqlTime.ts(now))
                .update();
        long count = jdbc.sql("select count(*) from webhook_signature_failure where provider = :p"
                        + " and refused_at >= :cutoff")
                .param("p", provider)
                .param("cutoff", SqlTime.ts(cutoff))
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
