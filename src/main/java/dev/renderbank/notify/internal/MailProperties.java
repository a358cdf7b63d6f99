package dev.renderbank.notify.internal;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.mail.*}: what emails say about the product and how the outbox is delivered.
 * Whether mail leaves the machine at all is decided by {@code spring.mail.host} (unset: outbox only).
 *
 * @param from the sender, e.g. {@code renderbank <no-reply@example.com>}
 * @param productName the product's name in subjects and bodies
 * @param maxAttempts deliveries tried before a message is {@code FAILED}; the default 32 with the
 *     default backoff keeps retrying for 25 hours (like client webhooks' retry window), so an SMTP
 *     outage shorter than that loses no email
 * @param firstRetry the wait after the first failed attempt; doubles per attempt
 * @param maxRetry the longest wait between two attempts
 * @param sendInterval how often the sender looks for due messages
 * @param lease how long a message being sent is kept from other senders; a sender that died while
 *     sending, or whose mark of a sent email the database failed every try of, is replaced after it
 *     (the cases that may duplicate an email)
 * @param delayAlertAfter how long the oldest pending email may wait before operators are alerted
 *     ({@code mail.delayed}, once per spell; {@code mail.recovered} when no email waits that long any
 *     more): an SMTP outage shows within this, not at an email's last attempt a day later
 */
@Validated
@ConfigurationProperties("renderbank.mail")
public record MailProperties(
        @DefaultValue("renderbank <no-reply@localhost>") @NotBlank
        String from,

        @DefaultValue("renderbank") @NotBlank String productName,
        @DefaultValue("32") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("30s") @NotNull Duration firstRetry,
        @DefaultValue("1h") @NotNull Duration maxRetry,
        @DefaultValue("5s") @NotNull Duration sendInterval,
        @DefaultValue("5m") @NotNull Duration lease,
        @DefaultValue("15m") @NotNull Duration delayAlertAfter) {

    /**
     * Checked for meaning at start: the sender is one address as the mailer reads it (a list or a
     * missing bracket failed every email), a zero or negative wait retries a failing SMTP server in a tight
     * loop, a cap below the first wait replaces every wait, a zero lease hands an email being sent to
     * another node.
     */
    public MailProperties {
        if (from != null && !from.isBlank()) {
            MailAddresses.requireOne("renderbank.mail.from", from);
        }
        positive(firstRetry, "first-retry");
        positive(maxRetry, "max-retry");
        positive(sendInterval, "send-interval");
        positive(lease, "lease");
        positive(delayAlertAfter, "delay-alert-after");
        if (firstRetry != null && maxRetry != null && maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("renderbank.mail.max-retry (" + maxRetry
                    + ") must be at least renderbank.mail.first-retry (" + firstRetry + ")");
        }
    }

    private static void positive(Duration d, String key) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("renderbank.mail." + key + " must be positive (was " + d + ")");
        }
    }

    /** Wait after {@code attempts} failed attempts: first-retry doubled per further attempt, capped. */
    public Duration backoff(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        Duration d = firstRetry.multipliedBy(1L << doublings);
        return d.compareTo(maxRetry) > 0 || d.isNegative() ? maxRetry : d;
    }
}
