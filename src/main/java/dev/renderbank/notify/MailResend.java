package dev.renderbank.notify;

/** What asking to send an outbox email again did ({@link Notifier#resendMail}). */
public sealed interface MailResend {

    /** Back to PENDING from {@code status} (FAILED or HELD), its {@code attempts} counted from 0 again. */
    record Requeued(String status, int attempts) implements MailResend {}

    /** PENDING already: it is sent (or retried) as planned; nothing changed. */
    record AlreadyPending(int attempts) implements MailResend {}

    /** Sent already: an email is never sent twice. */
    record Sent() implements MailResend {}

    /** HELD while no SMTP server is configured: it would only be held again. */
    record HeldWithoutSmtp() implements MailResend {}

    /** Its body was removed (a one-time link once sent, a deleted account's email): nothing to send. */
    record BodyRemoved(String status) implements MailResend {}

    /**
     * Its link expired at {@code expiredAt} (a password-reset or verification email): sent now it
     * would carry a dead link; the user must ask for a new one.
     */
    record LinkExpired(java.time.Instant expiredAt) implements MailResend {}

    /** No email with this id. */
    record NotFound() implements MailResend {}
}
