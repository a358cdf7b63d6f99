package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.notify.internal.Mailer;
import dev.renderbank.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An SMTP server down for hours is an incident operators hear of within {@code
 * renderbank.mail.delay-alert-after} ({@code mail.delayed}), once per outage however many sender runs
 * see it, and again when mail flows ({@code mail.recovered}); not a day later at an email's last
 * attempt. The waiting emails are gauges too.
 */
class MailDelayAlertTest extends IntegrationTest {

    static final Inbox inbox = new Inbox();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> inbox.port);
        r.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        r.add("spring.mail.properties.mail.smtp.timeout", () -> "2000");
        r.add("renderbank.mail.send-interval", () -> "200ms");
        r.add("renderbank.mail.delay-alert-after", () -> "15m");
    }

    @AfterAll
    static void down() {
        inbox.stop();
    }

    @AfterEach
    void settle() {
        inbox.stop();
        jdbc.sql("update mail_outbox set status = 'FAILED' where status = 'PENDING'")
                .update();
    }

    @Autowired
    Mailer mailer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    long queue() {
        String to = "d" + UUID.randomUUID() + "@example.com";
        mailer.queue(
                "delay-test:" + UUID.randomUUID(),
                "operator-alert",
                to,
                null,
                Map.of("kind", "test", "heading", "Test", "message", "m", "at", "now", "interval", 30));
        return jdbc.sql("select id from mail_outbox where recipient = :to")
                .param("to", to)
                .query(Long.class)
                .single();
    }

    long alerts(String kind, long after) {
        return jdbc.sql("select count(*) from operator_alert where kind = :kind and id > :after")
                .param("kind", kind)
                .param("after", after)
                .query(Long.class)
                .single();
    }

    long lastAlertId() {
        return jdbc.sql("select coalesce(max(id), 0) from operator_alert")
                .query(Long.class)
                .single();
    }

    int attempts(long id) {
        return jdbc.sql("select attempts from mail_outbox where id = :id")
                .param("id", id)
                .query(Integer.class)
                .single();
    }

    String status(long id) {
        return jdbc.sql("select status from mail_outbox where id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    @Test
    void anSmtpOutageAlertsOncePerSpellAfterTheDelayAndAgainWhenMailFlows() {
        clock.freeze();
        long mark = lastAlertId();
        long id = queue();
        await().atMost(Duration.ofSeconds(15)).until(() -> attempts(id) >= 1);
        assertThat(status(id)).isEqualTo("PENDING");
        assertThat(gauge("renderbank.mail.pending")).isGreaterThanOrEqualTo(1);
        assertThat(alerts("mail.delayed", mark))
                .as("a failed attempt or two is no incident")
                .isZero();

        clock.advance(Duration.ofMinutes(16));
        await().atMost(Duration.ofSeconds(15)).until(() -> alerts("mail.delayed", mark) == 1);
        assertThat(gauge("renderbank.mail.oldest.pending.seconds")).isGreaterThanOrEqualTo(16 * 60);
        // the watch runs every 200 ms: the spell is raised once, not once per run
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> alerts("mail.delayed", mark) == 1);
        assertThat(alerts("mail.recovered", mark)).isZero();

        inbox.start();
        clock.advance(Duration.ofHours(2)); // the email's next attempt is due
        await().atMost(Duration.ofSeconds(15)).until(() -> "SENT".equals(status(id)));
        await().atMost(Duration.ofSeconds(15)).until(() -> alerts("mail.recovered", mark) == 1);
        assertThat(alerts("mail.delayed", mark)).isEqualTo(1);
        assertThat(gauge("renderbank.mail.oldest.pending.seconds")).isZero();

        // the next outage is a new spell, alerted again
        inbox.stop();
        long next = queue();
        await().atMost(Duration.ofSeconds(15)).until(() -> attempts(next) >= 1);
        clock.advance(Duration.ofMinutes(16));
        await().atMost(Duration.ofSeconds(15)).until(() -> alerts("mail.delayed", mark) == 2);
    }
}
