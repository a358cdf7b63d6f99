package dev.renderbank.notify.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.DatabaseReadings;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.SqlTime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The emails waiting for delivery, watched: gauges of how many are {@code PENDING} ({@value
 * #PENDING_GAUGE}) and how long the oldest has waited ({@value #OLDEST_GAUGE}, seconds), and an
 * operator alert {@code mail.delayed} once per spell in which the oldest has waited longer than
 * {@code renderbank.mail.delay-alert-after}, with {@code mail.recovered} when none waits that long any
 * more. A failing SMTP server is otherwise seen only at an email's last attempt, a day later ({@code
 * mail.failed}): the sender retries each email with a growing wait and logs each failure at WARN. An
 * email waits from when it was queued (or sent again by an operator). The spell is the alert's own
 * record ({@link OperatorAlerts#raiseSpell}), so a restart or another node does not raise it again.
 */
@Component
class MailBacklog {

    static final String PENDING_GAUGE = "renderbank.mail.pending";
    static final String OLDEST_GAUGE = "renderbank.mail.oldest.pending.seconds";

    private final JdbcClient jdbc;
    private final OperatorAlerts alerts;
    private final Clock clock;
    private final Duration alertAfter;

    MailBacklog(
            JdbcClient jdbc,
            OperatorAlerts alerts,
            Clock clock,
            MailProperties props,
            DatabaseReadings readings,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.clock = clock;
        this.alertAfter = props.delayAlertAfter();
        // a scrape waits for the database only briefly; the oldest wait grows from the last reading
        DatabaseReadings.Reading<Waiting> waiting =
                readings.source("mail-outbox").reading(this::now);
        Gauge.builder(PENDING_GAUGE, waiting, r -> r.gauge(Waiting::pending))
                .description("Emails waiting for delivery (PENDING in the outbox)")
                .register(meters);
        Gauge.builder(
                        OLDEST_GAUGE,
                        waiting,
                        r -> r.gauge(w -> w.oldestWait(clock.instant()).toSeconds()))
                .description("How long the oldest email waiting for delivery has waited, in seconds (0: none waits)")
                .register(meters);
    }

    /** How many emails wait, and since when the oldest (null: none). */
    record Waiting(long pending, Instant oldestSince) {

        Duration oldestWait(Instant now) {
            return oldestSince == null || oldestSince.isAfter(now) ? Duration.ZERO : Duration.between(oldestSince, now);
        }
    }

    Waiting now() {
        return jdbc.sql("""
                        select count(*) as pending, min(coalesce(queued_at, created_at)) as oldest
                          from mail_outbox where status = 'PENDING'""")
                .query((rs, n) -> new Waiting(rs.getLong("pending"), SqlTime.instant(rs, "oldest")))
                .single();
    }

    /**
     * Raises {@code mail.delayed} if the oldest pending email has waited too long and no spell is open,
     * or ends the spell ({@code mail.recovered}) once none has. Run by the sender's watch task.
     */
    void check() {
        Instant now = clock.instant();
        Waiting w = now();
        Duration waited = w.oldestWait(now);
        if (waited.compareTo(alertAfter) >= 0) {
            alerts.raiseSpell(
                    AlertKind.MAIL_DELAYED,
                    w.pending() + " email(s) are waiting for delivery, the oldest for " + minutes(waited)
                            + " (since " + w.oldestSince() + "; renderbank.mail.delay-alert-after is "
                            + minutes(alertAfter) + "). The SMTP server is likely failing: see the last errors on"
                            + " /admin/mail?status=PENDING and the WARN lines of MailDelivery. Nothing is lost"
                            + " while the outbox retries (an email fails for good after renderbank.mail.max-attempts).");
        } else {
            alerts.endSpell(
                    AlertKind.MAIL_DELAYED,
                    AlertKind.MAIL_RECOVERED,
                    "Emails are delivered again: none has waited longer than " + minutes(alertAfter) + " ("
                            + w.pending() + " waiting now).");
        }
    }

    private static String minutes(Duration d) {
        return d.toMinutes() + " min";
    }
}
