package dev.renderbank.notify.internal;

import dev.renderbank.notify.Queued;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Forwards operator alerts to {@code renderbank.ops.email}. Alerts are records, not events: they are
 * raised outside transactions too, and by the event machinery itself when a handler keeps failing
 * (an event per alert would let a failing mail handler feed itself). So this polls: it claims
 * unforwarded alerts and writes their emails in one transaction. One email per alert kind per
 * {@code renderbank.ops.alert-email-interval} window (the window is part of the outbox key); the
 * other alerts of that window stay in the alert records.
 */
@Component
public class AlertMail {

    static final int BATCH = 50;
    private static final Logger log = LoggerFactory.getLogger(AlertMail.class);

    private final OperatorAlerts alerts;
    private final Mailer mailer;
    private final OperatorMailProperties ops;
    private final TransactionTemplate tx;
    private final Clock clock;

    AlertMail(OperatorAlerts alerts, Mailer mailer, OperatorMailProperties ops, TransactionTemplate tx, Clock clock) {
        this.alerts = alerts;
        this.mailer = mailer;
        this.ops = ops;
        this.tx = tx;
        this.clock = clock;
    }

    /** Claims and forwards all unforwarded alerts; returns how many emails were queued. */
    public int forward() {
        int queued = 0;
        int claimed;
        do {
            int[] counts = tx.execute(s -> forwardBatch());
            queued += counts[0];
            claimed = counts[1];
        } while (claimed == BATCH);
        return queued;
    }

    private int[] forwardBatch() {
        List<OperatorAlerts.Alert> batch = alerts.claimUnsent(BATCH);
        if (!batch.isEmpty() && ops.email() == null) {
            log.info("{} operator alert(s) not emailed: renderbank.ops.email is not set", batch.size());
            return new int[] {0, batch.size()};
        }
        int queued = 0;
        Instant oldest = clock.instant().minus(ops.alertEmailMaxAge());
        for (OperatorAlerts.Alert a : batch) {
            if (a.createdAt().isBefore(oldest)) {
                continue;
            }
            long window =
                    a.createdAt().toEpochMilli() / ops.alertEmailInterval().toMillis();
            Queued q = mailer.queue(
                    "alert:" + a.kind() + ":" + window,
                    "operator-alert",
                    ops.email(),
                    null,
                    Map.of(
                            "kind", a.kind(),
                            "heading",
                                    AlertKind.byCode(a.kind())
                                            .map(AlertKind::heading)
                                            .orElse(a.kind()),
                            "message", a.message(),
                            "at", a.createdAt().toString(),
                            "interval", ops.alertEmailInterval().toMinutes()));
            queued += q == Queued.QUEUED ? 1 : 0;
        }
        return new int[] {queued, batch.size()};
    }
}
