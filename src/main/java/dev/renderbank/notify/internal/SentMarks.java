package dev.renderbank.notify.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the emails that {@link MailDelivery} handed to SMTP as sent, each against the claim that sent
 * it. The database may fail a mark (a dropped connection, a failover) with no crash; the sender does
 * not wait for it: the mark is tried again once the run's next email has been dealt with, once more at
 * the run's end, and then at the start of each later run ({@code renderbank.mail.send-interval}
 * apart), so its tries are spread over time rather than spent back to back while the database is
 * away, and no thread sleeps. A mark is tried until the claim's lease has ended: then the email is
 * claimed and sent again (same Message-ID), or already has been, which the log says. A mark that
 * lands late cannot mark a later claim's sending: the statement names this claim's attempt and round.
 * Marks still waiting when the process stops are lost with it; their emails are sent again at the end
 * of their lease.
 *
 * <p>One instance per sender; its runs take turns (a recurring task), and the methods are synchronized
 * for the sends of a single email that may come between them.
 */
final class SentMarks {

    /** The sender's category: these lines were the sender's own before they moved here. */
    private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

    private final Outbox outbox;
    private final Clock clock;
    private final Duration lease;
    private final List<Mark> waiting = new ArrayList<>();

    private static final class Mark {
        final Outbox.Claimed mail;
        final Instant leaseEnds;
        int tries;
        RuntimeException failure;

        Mark(Outbox.Claimed mail, Instant leaseEnds) {
            this.mail = mail;
            this.leaseEnds = leaseEnds;
        }
    }

    SentMarks(Outbox outbox, Clock clock, Duration lease) {
        this.outbox = outbox;
        this.clock = clock;
        this.lease = lease;
    }

    /** Marks an email the SMTP server has just accepted; if the database fails that, it waits for a later try. */
    synchronized void mark(Outbox.Claimed mail) {
        Mark m = new Mark(mail, clock.instant().plus(lease));
        if (!settled(m)) {
            waiting.add(m);
        }
    }

    /** After {@code sent} was handed to SMTP (or passed over): one more try of each mark that failed before. */
    synchronized void retryAfter(Outbox.Claimed sent) {
        waiting.removeIf(m -> m.mail.id() != sent.id() && settled(m));
    }

    /**
     * At a run's start and at its end: one more try of each mark still waiting; those that fail again
     * wait for the next run.
     */
    synchronized void retryWaiting() {
        waiting.removeIf(this::settled);
    }

    /** Marks waiting for a later try (for the log and tests). */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Tries the mark once; true when nothing more is to be done for it (marked, taken over, or its lease over). */
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
            boolean first = m.failure == null;
            m.failure = e;
            if (first) {
                log.warn(
                        "mail {} was sent but marking it sent failed: {}; the mark is tried again after the"
                                + " run's next emails and in the next runs, until its claim's lease ends ({})",
                        mail.id(),
                        e.toString(),
                        m.leaseEnds);
            } else {
                log.debug("mail {}: try {} of its mark failed too: {}", mail.id(), m.tries, e.toString());
            }
        }
        if (clock.instant().isBefore(m.leaseEnds)) {
            return false;
        }
        log.error(
                "mail {} was accepted by the SMTP server but could not be marked sent in {} tries ({}): its"
                        + " claim (attempt {}) has reached the end of its lease ({}), so it will be sent again,"
                        + " with the same Message-ID",
                mail.id(),
                m.tries,
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
