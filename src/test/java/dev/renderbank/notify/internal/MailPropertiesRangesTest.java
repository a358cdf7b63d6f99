package dev.renderbank.notify.internal;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * The outbox's timings are checked for meaning at start (docs/CONFIGURATION.md gives the ranges): a
 * zero or negative first retry retries a failing SMTP server in a tight loop, a cap below it replaces
 * every wait by the cap, a zero send interval polls without pause, a zero lease lets another node take
 * an email while it is being sent.
 */
class MailPropertiesRangesTest {

    static final String P = "renderbank.mail";

    @Test
    void theFirstRetryMustBePositive() {
        refused(P, MailProperties.class, "renderbank.mail.first-retry", "0s");
        refused(P, MailProperties.class, "renderbank.mail.first-retry", "-30s");
        accepted(P, MailProperties.class, "renderbank.mail.first-retry", "1s");
    }

    @Test
    void theMaxRetryMustBeAtLeastTheFirstRetry() {
        refused(P, MailProperties.class, "renderbank.mail.max-retry", "0s");
        refused(P, MailProperties.class, "renderbank.mail.max-retry", "10s"); // first-retry 30s
        accepted(P, MailProperties.class, "renderbank.mail.max-retry", "30s");
    }

    @Test
    void theSendIntervalAndLeaseMustBePositive() {
        refused(P, MailProperties.class, "renderbank.mail.send-interval", "0s");
        refused(P, MailProperties.class, "renderbank.mail.send-interval", "-5s");
        refused(P, MailProperties.class, "renderbank.mail.lease", "0s");
        refused(P, MailProperties.class, "renderbank.mail.lease", "-1m");
    }

    /**
     * The sender is one address as the mailer reads it (RFC 5322, as MimeMessageHelper.setFrom parses
     * it): a list, a missing bracket or a group made every email of the application fail at every
     * attempt, and the start did not say so.
     */
    @Test
    void theSenderIsOneAddress() {
        refused(P, MailProperties.class, "renderbank.mail.from", "renderbank <no-reply@example.com");
        refused(P, MailProperties.class, "renderbank.mail.from", "no-reply@example.com, support@example.com");
        refused(P, MailProperties.class, "renderbank.mail.from", "senders:no-reply@example.com;");
        refused(P, MailProperties.class, "renderbank.mail.from", "no-reply");
        accepted(P, MailProperties.class, "renderbank.mail.from", "renderbank <no-reply@example.com>");
        accepted(P, MailProperties.class, "renderbank.mail.from", "no-reply@example.com");
        accepted(P, MailProperties.class, "renderbank.mail.product-name", "renderbank"); // the default sender
    }
}
