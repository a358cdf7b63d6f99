package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.OperatorAlerts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Refused webhook signatures: a security signal, and the classic sign of a rotated or wrong
 * secret (every real purchase is then refused). Counted in
 * {@code renderbank.webhook.signature.failures}; when they persist (threshold within the window)
 * operators are alerted, at most once per window and provider. The window is per node.
 */
@Component
public class SignatureFailures {

    private static final Logger security = LoggerFactory.getLogger("dev.renderbank.security");

    private final MeterRegistry meters;
    private final OperatorAlerts alerts;
    private final PaymentsProperties props;
    private final Clock clock;
    private final Map<String, Deque<Instant>> recent = new HashMap<>();
    private final Map<String, Instant> lastAlert = new HashMap<>();

    SignatureFailures(MeterRegistry meters, OperatorAlerts alerts, PaymentsProperties props, Clock clock) {
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
        boolean alert;
        int count;
        synchronized (this) {
            Deque<Instant> window = recent.computeIfAbsent(provider, p -> new ArrayDeque<>());
            window.addLast(now);
            Instant cutoff = now.minus(props.signatureAlertWindow());
            while (!window.isEmpty() && window.peekFirst().isBefore(cutoff)) {
                window.removeFirst();
            }
            count = window.size();
            Instant last = lastAlert.get(provider);
            alert = count >= props.signatureAlertThreshold() && (last == null || last.isBefore(cutoff));
            if (alert) {
                lastAlert.put(provider, now);
            }
        }
        if (alert) {
            alerts.raise(
                    "billing.webhook.signature",
                    count + " " + provider + " webhooks refused for bad signatures within "
                            + props.signatureAlertWindow().toMinutes()
                            + " min: check the webhook secret (a wrong secret refuses every purchase)");
        }
    }
}
