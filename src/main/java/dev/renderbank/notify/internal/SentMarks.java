package dev.renderbank.notify.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the emails that one run of {@link MailDelivery} handed to SMTP as sent, each against the claim
 * that sent it. The database may fail a mark (a dropped connection, a failover) with no crash; the run
 * does not wait for it: the mark is tried again once the run's next email has been dealt with,
 * and after the one after that, so the rest of the batch goes out while the database has time to come
 * back, and no thread sleeps. A mark still waiting when the run ends gets its remaining tries then. If
 * none of its {@link #TRIES} tries lands, the email stays claimed and is sent again (same Message-ID)
 * when its lease ends, which the log says.
 */
final class SentMarks {

    /** Tries of the mark of an email the SMTP server accepted. */
    static final int TRIES = 3;

    /** The sender's category: these lines were the sender's own before they moved here. */
    private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

    private final Outbox outbox;
    private final Clock clock;
    private final Duration lease;
    private final List<Mark> waiting = new ArrayList<>();

    private static final class Mark {
        final Outbox.Claimed mail;
        int tries;
        RuntimeException failure;

        Mark(Outbox.Claimed mail) {
            this.mail = mail;
        }
    }

    SentMarks(Outbox outbox, Clock clock, Duration lease) {
        this.outbox = outbox;
        this.clock = clock;
        this.lease = lease;
    }

    /** Marks an email the SMTP server has just accepted; if the database fails that, it waits for a later try. */
    void mark(Outbox.Claimed mail) {
        Mark m = new Mark(mail);
        if (!settled(m)) {
            waiting.add(m);
        }
    }

    /** After {@code sent} was handed to SMTP (or passed over): one more try of each mark that failed before. */
    void retryAfter(Outbox.Claimed sent) {
        waiting.removeIf(m -> m.mail.id() != sent.id() && settled(m));
    }

    /** At the run's end: the remaining tries of the marks still waiting, one round of tries at a time. */
    void finish() {
        while (!waiting.isEmpty()) {
            waiting.removeIf(this::settled);
        }
    }

    /** Tries the mark once; true when nothing more is to be done for it (marked, taken over, or out of tries). */
    private boolean settled(Mark m) {
        m.tries++;
        Outbox.Claimed mail = m.mail;
        try {
            if (outbox.markSent(mail, clock.instant())) {
                if (m.failure != null) {
                    log.info("mail {} marked sent at try {} of its mark", mail.id(), m.tries);
                }
            } else if (m.failure == null || !markedByThisClaim(mail)) {
                log.warn(
                        "mail {} was sent but its claim (attempt {}) no longer owned it: its lease ran out and a"
                                + " later claim took it (it may be sent once more), or it was withdrawn while being"
                                + " sent",
                        mail.id(),
                        mail.attempt());
            }
            return true;
        } catch (RuntimeException e) {
            m.failure = e;
            log.warn(
                    "mail {} was sent but marking it sent failed (try {} of {}): {}",
                    mail.id(),
                    m.tries,
                    TRIES,
                    e.toString());
        }
        if (m.tries < TRIES) {
            return false;
        }
        log.error(
                "mail {} was accepted by the SMTP server but could not be marked sent ({}): it stays claimed by"
                        + " attempt {} and will be sent again, with the same Message-ID, when that claim's lease"
                        + " ({}) ends",
                mail.id(),
                String.valueOf(m.failure),
                mail.attempt(),
                lease);
        return true;
    }

    /**
     * After a try that failed, a mark that finds the email no longer pending may be that try's own,
     * committed with its answer lost: then the email is SENT in this claim's attempt and round, which
     * no other claim can have (each counts an attempt).
     */
    private boolean markedByThisClaim(Outbox.Claimed mail) {
        try {
            return outbox.standing(mail.id())
                    .filter(s ->
                            s.status().equals("SENT") && s.attempts() == mail.attempt() && s.round() == mail.round())
                    .isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
