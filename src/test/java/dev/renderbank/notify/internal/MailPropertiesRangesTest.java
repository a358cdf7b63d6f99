package dev.renderbank.notify.internal;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * The outbox's timings are checked for meaning at start (docs/CONFIGURATION.md gives the ranges): a
 * zero or negative first retry retries a failing SMTP server in a tight loop, a cap below it replaces
 * every wait by the cap, a zero send interval polls without pause, a zero lease lets another node take
 * an email while it is being sent.
 */
class MailPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(MailProperties.class);

    @Test
    void theFirstRetryMustBePositive() {
        R.refused("renderbank.mail.first-retry", "0s", "-30s");
        R.accepted("renderbank.mail.first-retry", "1s");
    }

    @Test
    void theMaxRetryMustBeAtLeastTheFirstRetry() {
        R.refused("renderbank.mail.max-retry", "0s", "10s"); // first-retry 30s
        R.accepted("renderbank.mail.max-retry", "30s");
    }

    @Test
    void theSendIntervalAndLeaseMustBePositive() {
        R.refused("renderbank.mail.send-interval", "0s", "-5s");
        R.refused("renderbank.mail.lease", "0s", "-1m");
    }

    /**
     * The sender is one address as the mailer reads it (RFC 5322, as MimeMessageHelper.setFrom parses
     * it): a list, a missing bracket or a group made every email of the application fail at every
     * attempt, and the start did not say so.
     */
    @Test
    void theSenderIsOneAddress() {
        R.refused(
                "renderbank.mail.from",
                "renderbank <no-reply@example.com",
                "no-reply@example.com, support@example.com",
                "senders:no-reply@example.com;",
                "no-reply");
        R.accepted("renderbank.mail.from", "renderbank <no-reply@example.com>", "no-reply@example.com");
        R.accepted("renderbank.mail.product-name", "renderbank"); // the default sender
    }
}
