package dev.renderbank.notify.internal;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Delivers due outbox rows, after their commit, at least once. A claim (its own statement, committed
 * before SMTP is called) counts the attempt and leases the row; the outcome is then recorded against
 * that attempt: sent, retried after an exponentially growing wait, or {@code FAILED} after {@code
 * renderbank.mail.max-attempts} (then operators are alerted and the admin outbox shows it). A batch
 * is claimed at once but sent one by one, so each message is looked up again just before its send:
 * one withdrawn since its claim (its account deleted) or claimed again is not sent, nor is a
 * generation email whose user has turned those off since it was queued. A database failure while one
 * email's outcome is recorded ends neither that run nor its batch: the rest of the batch is still sent,
 * and the mark of an email the server accepted is tried again meanwhile and in later runs ({@link
 * SentMarks}).
 */
@Component
public class MailDelivery {

    static final int BATCH = 20;

    private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

    private final Outbox outbox;
    private final Smtp smtp;
    private final MailProperties props;
    private final OperatorAlerts alerts;
    private final Clock clock;

    private final AccountDeletion accounts;

    /** Marks of sent emails that the database failed, tried again later in the run and in later runs. */
    private final SentMarks marks;

    MailDelivery(
            Outbox outbox,
            Smtp smtp,
            MailProperties props,
            OperatorAlerts alerts,
            Clock clock,
            AccountDeletion accounts) {
        this.accounts = accounts;
        this.outbox = outbox;
        this.smtp = smtp;
        this.props = props;
        this.alerts = alerts;
        this.clock = clock;
        this.marks = new SentMarks(outbox, clock, props.lease());
    }

    /** Sends everything due now; returns how many were sent. Nothing happens in outbox-only mode. */
    public int deliverDue() {
        return deliverDue(() -> false);
    }

    /**
     * Sends everything due now until {@code stop} is true (the scheduler is shutting down): then no
     * batch is claimed any more, and the emails of the current batch not yet handed to SMTP are given
     * back, due at once with their attempt undone ({@link Outbox#giveBack}). A stop with a backlog used
     * to go on claiming: rows claimed and not sent waited for their lease (5 minutes) with an attempt
     * counted, and an email in SMTP when the database pool closed could be sent twice.
     */
    public int deliverDue(BooleanSupplier stop) {
        if (!smtp.enabled()) {
            return 0;
        }
        int sent = 0;
        marks.retryWaiting();
        try {
            List<Outbox.Claimed> batch;
            boolean stopped = stop.getAsBoolean();
            while (!stopped) {
                Instant now = clock.instant();
                batch = outbox.claimDue(now, now.plus(props.lease()), BATCH);
                for (int i = 0; i < batch.size(); i++) {
                    if (stop.getAsBoolean()) {
                        stopped = true;
                        giveBack(batch.subList(i, batch.size()));
                        break;
                    }
                    Outbox.Claimed mail = batch.get(i);
                    sent += handOver(mail) ? 1 : 0;
                    marks.retryAfter(mail);
                }
                stopped = stopped || batch.size() < BATCH;
            }
        } finally {
            marks.retryWaiting();
        }
        return sent;
    }

    /** The claimed emails not handed to SMTP at a stop: due now, their attempts undone. */
    private void giveBack(List<Outbox.Claimed> unsent) {
        int given = 0;
        for (Outbox.Claimed mail : unsent) {
            try {
                given += outbox.giveBack(mail, clock.instant()) ? 1 : 0;
            } catch (RuntimeException e) {
                // the database is going away with the node: the claim stands and its lease ends
                log.warn(
                        "mail {} claimed at a stop could not be given back ({}); sent after its lease",
                        mail.id(),
                        e.toString());
            }
        }
        log.info("stopping: {} of {} claimed emails not sent given back, due now", given, unsent.size());
    }

    /** One claimed email, as a run of one. */
    boolean deliver(Outbox.Claimed mail) {
        try {
            return handOver(mail);
        } finally {
            marks.retryWaiting();
        }
    }

    /** Marks of emails handed to SMTP that still wait for a try that lands. */
    int marksWaiting() {
        return marks.waiting();
    }

    /**
     * Sends the email if it may still go, then records the outcome against its claim. The mark of an
     * email the SMTP server accepted may fail in the database with no crash: the run goes on all the
     * same, or the rest of its batch, claimed with this email, would wait for its lease with an
     * attempt counted; {@link SentMarks} tries the mark again later in the run and in later runs.
     */
    private boolean handOver(Outbox.Claimed mail) {
        if (!mayGo(mail)) {
            return false;
        }
        try {
            smtp.send(mail);
        } catch (Exception e) {
            failed(mail, e);
            return false;
        }
        marks.mark(mail);
        return true;
    }

    /**
     * Asked just before each send, not once per batch: the batch read address and bodies when it was
     * claimed, and the sends before this one may have taken minutes (30 s per SMTP timeout). Meanwhile
     * the account may have been deleted, which erases the address and marks the message {@code
     * FAILED} ({@link Outbox#eraseRecipient}): the copy in hand must then not go to the real address.
     * Nor is a message sent that a later claim took after this one's lease ran out. A generation email
     * goes only if its user still wants those: the setting was checked when it was queued, and its
     * retries may have lasted hours (an SMTP outage); one no longer wanted ends {@code FAILED}, unsent,
     * with that reason. Emails about the account (verification, reset, receipts) do not depend on it.
     * One whose link has expired (its {@code send_by}: a verification or reset link's lifetime) ends
     * {@code FAILED} unsent too, saying so.
     */
    private boolean mayGo(Outbox.Claimed mail) {
        try {
            return mayGoNow(mail);
        } catch (RuntimeException e) {
            // the database failed the look-up: not sent now, and the rest of the batch goes on; this
            // message is claimed again once its lease runs out
            log.warn("mail {} not sent now: it could not be looked up before its send ({})", mail.id(), e.toString());
            return false;
        }
    }

    private boolean mayGoNow(Outbox.Claimed mail) {
        Optional<Outbox.Standing> now = outbox.standing(mail.id());
        if (now.isEmpty() || !now.get().ownedBy(mail)) {
            // no address here: the one in hand may be a deleted account's
            log.info(
                    "mail {} not sent: it changed after attempt {} claimed it ({}), so that attempt no longer owns it",
                    mail.id(),
                    mail.attempt(),
                    now.map(s -> "now " + s.status() + " after " + s.attempts() + " attempt(s)"
                                    + (s.lastError() == null ? "" : ": " + s.lastError()))
                            .orElse("removed"));
            return false;
        }
        if (now.get().userId() != null && accounts.isDeleted(now.get().userId())) {
            // deleted, and the deletion's own handler, which erases the address and ends the message,
            // has not run yet (it runs after the deletion commits): left to it, unsent
            log.info("mail {} not sent: its account was deleted", mail.id());
            return false;
        }
        Instant sendBy = now.get().sendBy();
        if (sendBy != null && !clock.instant().isBefore(sendBy)) {
            // its link expired (an SMTP outage, retries): a dead link is no use to its user, who asks
            // for a new one; ended FAILED with the reason, for operators to read on /admin/mail
            log.info(
                    "mail {} not sent: its link expired at {}{}",
                    mail.id(),
                    sendBy,
                    outbox.markExpired(mail, sendBy) ? "" : " (and it changed meanwhile)");
            return false;
        }
        if (now.get().unwanted()) {
            log.info(
                    "mail {} not sent: its user turned generation emails off after it was queued{}",
                    mail.id(),
                    outbox.markUnwanted(mail) ? "" : " (and it changed meanwhile)");
            return false;
        }
        return true;
    }

    private void failed(Outbox.Claimed mail, Exception e) {
        // the server's reply, as the row and the alert can store it (a NUL in it failed both, and the
        // email was then retried for ever and never failed)
        // and without the recipient's address, which a refusal quotes ("550 5.1.1 <a@b>: Recipient address
        // rejected"): the row keeps its error after a deletion erases the address, and alerts and logs
        // keep it for good
        String error =
                dev.renderbank.platform.StorableText.of(withoutAddress(describe(e), mail.to()), Outbox.MAX_ERROR);
        boolean last = mail.attempt() >= props.maxAttempts();
        Instant next = last ? null : clock.instant().plus(props.backoff(mail.attempt()));
        boolean recorded;
        try {
            recorded = outbox.markAttemptFailed(mail, error, next);
        } catch (RuntimeException dbFailure) {
            // not sent, and the database failed the record: the claim stands, so the email is tried
            // again when its lease ends (this attempt counted); the rest of the batch goes on
            log.warn(
                    "mail {} failed (attempt {}) and the failure could not be recorded ({}); tried again when its"
                            + " lease ends: {}",
                    mail.id(),
                    mail.attempt(),
                    dbFailure.toString(),
                    error);
            return;
        }
        if (!recorded) {
            // the lease ran out during this attempt and a later claim owns the row now (it may well
            // have sent the email): its own outcome decides, and this failure alerts no one
            log.warn(
                    "mail {} failed (attempt {}) after its claim had expired; the later attempt decides: {}",
                    mail.id(),
                    mail.attempt(),
                    error);
            return;
        }
        if (last) {
            log.error("mail {} failed for good after {} attempts: {}", mail.id(), mail.attempt(), error);
            alerts.raise(
                    AlertKind.MAIL_FAILED,
                    "Email " + mail.id() + " (" + mail.subject() + ") could not be delivered after " + mail.attempt()
                            + " attempts: " + error + ". See /admin/mail.");
        } else {
            log.warn("mail {} failed (attempt {}), next try at {}: {}", mail.id(), mail.attempt(), next, error);
        }
    }

    /**
     * The exception and what it carries: JavaMail puts the server's own reply ("550 5.1.1 … mailbox
     * unavailable") in the next exceptions of a {@code SendFailedException: Invalid Addresses}.
     */
    static String describe(Exception e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        Exception next = e instanceof jakarta.mail.MessagingException m ? m.getNextException() : null;
        for (int depth = 0; next != null && depth < 5; depth++) {
            text.append("; ")
                    .append(next.getClass().getSimpleName())
                    .append(": ")
                    .append(next.getMessage());
            next = next instanceof jakarta.mail.MessagingException m ? m.getNextException() : null;
        }
        return text.toString();
    }

    /** {@code text} with every mention of {@code address} (in any case) replaced by "<recipient>". */
    static String withoutAddress(String text, String address) {
        if (text == null || address == null || address.isBlank()) {
            return text;
        }
        return Pattern.compile(Pattern.quote(address), Pattern.CASE_INSENSITIVE)
                .matcher(text)
                .replaceAll("<recipient>");
    }
}
