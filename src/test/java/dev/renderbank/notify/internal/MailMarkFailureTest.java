package dev.renderbank.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.Queued;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import jakarta.mail.MessagingException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * The SMTP server accepted an email and the database then fails the statement that marks it sent (a
 * dropped connection, a failover: no crash). The run goes on: the other emails claimed in the same
 * batch are sent in that run, not left until their lease ends with an attempt counted. The mark is
 * tried again against the same claim, so a failure that passes soon costs no second copy; the sender
 * does not wait for the database meanwhile: the mark's next try comes after the batch's next email has
 * been handed to SMTP. One that outlasts the tries leaves the email claimed, to be sent again at the
 * end of its lease, and says so in the log.
 */
class MailMarkFailureTest extends IntegrationTest {

    @Autowired
    TestUsers users;

    @Autowired
    Notifier notifier;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MailProperties props;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    AccountDeletion accounts;

    @Autowired
    ObjectProvider<JavaMailSender> noSender;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger delivery = (Logger) LoggerFactory.getLogger(MailDelivery.class);

    @BeforeEach
    void captureLogs() {
        lines.start();
        delivery.addAppender(lines);
    }

    @AfterEach
    void stopCapturing() {
        delivery.detachAppender(lines);
    }

    @Test
    void aMarkThatFailsOnceIsTriedAgainAndTheRestOfTheBatchIsSentInTheSameRun() {
        List<Long> batch = dueEmails(2);
        MarkFailing outbox = new MarkFailing(jdbc, batch, 1);
        Recording smtp = new Recording(noSender, props, -1, outbox.events);

        new MailDelivery(outbox, smtp, props, alerts, clock, accounts).deliverDue();

        assertThat(outbox.failedFor.get())
                .as("the first of the batch's marks failed")
                .isIn(batch);
        long failed = outbox.failedFor.get();
        long other = batch.stream().filter(id -> id != failed).findFirst().orElseThrow();
        assertThat(outbox.events)
                .as("the failed mark is tried again after the rest of the batch went to SMTP, not after a wait")
                .containsSubsequence("mark " + failed, "send " + other, "mark " + failed);
        assertThat(smtp.sentOf(batch))
                .as("each email of the batch handed to SMTP once, in the run whose mark failed")
                .containsExactlyInAnyOrderElementsOf(batch);
        assertThat(outbox.marks.get(outbox.failedFor.get()))
                .as("tries of the failed mark")
                .hasValue(2);
        assertThat(batch).allSatisfy(id -> assertThat(status(id)).isEqualTo("SENT"));
    }

    @Test
    void aMarkThatKeepsFailingLeavesItsEmailClaimedWithTheRestOfTheBatchSentAndSaysSo() {
        List<Long> batch = dueEmails(2);
        MarkFailing outbox = new MarkFailing(jdbc, batch, Integer.MAX_VALUE);
        Recording smtp = new Recording(noSender, props, -1);
        Instant before = clock.instant();
        MailDelivery sender = new MailDelivery(outbox, smtp, props, alerts, clock, accounts);

        sender.deliverDue();

        long unmarked = outbox.failedFor.get();
        long other = batch.stream().filter(id -> id != unmarked).findFirst().orElseThrow();
        assertThat(smtp.sentOf(batch)).containsExactlyInAnyOrderElementsOf(batch);
        assertThat(outbox.marks.get(unmarked)).as("tries of the mark").hasValueGreaterThanOrEqualTo(2);
        assertThat(status(other)).isEqualTo("SENT");
        assertThat(status(unmarked)).as("still claimed").isEqualTo("PENDING");
        assertThat(nextAttempt(unmarked))
                .as("sent again only when its claim's lease ends")
                .isAfterOrEqualTo(before.plus(props.lease()).minusSeconds(1));
        assertThat(sender.marksWaiting()).as("the mark waits for the next runs").isEqualTo(1);
        assertThat(logged(Level.ERROR))
                .as("its lease has not ended: no give-up yet")
                .isEmpty();

        clock.advance(props.lease().plusSeconds(1));
        sender.deliverDue();

        assertThat(logged(Level.ERROR))
                .as("the first claim's mark given up at the end of its lease, saying the email is sent again")
                .anyMatch(line -> line.contains("mail " + unmarked + " ")
                        && line.contains("could not be marked sent")
                        && line.contains("(attempt 1)")
                        && line.contains("sent again"));
        assertThat(sender.marksWaiting())
                .as("only the second claim's mark waits (the database still fails it)")
                .isEqualTo(1);
        assertThat(smtp.sentOf(batch))
                .as("sent once more by the later claim, the copy the log announced")
                .containsExactlyInAnyOrder(batch.get(0), batch.get(1), unmarked);
    }

    /**
     * A database blip longer than one run: a run of a single email has its mark's tries close together
     * (after the email, at the run's end); the next tries come in the next runs, a send interval apart,
     * so a failover of a few seconds costs no second copy of the email at the end of its lease.
     */
    @Test
    void aMarkThatFailsThroughItsWholeRunLandsInALaterRunAndTheEmailIsSentOnce() {
        List<Long> batch = dueEmails(1);
        MarkFailing outbox = new MarkFailing(jdbc, batch, 3);
        Recording smtp = new Recording(noSender, props, -1);
        MailDelivery sender = new MailDelivery(outbox, smtp, props, alerts, clock, accounts);
        long id = batch.get(0);

        sender.deliverDue();
        assertThat(status(id)).as("the mark failed in its run").isEqualTo("PENDING");

        for (int run = 0; run < 3 && !status(id).equals("SENT"); run++) {
            clock.advance(props.sendInterval());
            sender.deliverDue();
        }

        assertThat(status(id)).as("marked sent by a later run's try").isEqualTo("SENT");
        assertThat(sender.marksWaiting()).isZero();
        clock.advance(props.lease().plusSeconds(1));
        sender.deliverDue();
        assertThat(smtp.sentOf(batch))
                .as("handed to SMTP once, also after its lease")
                .containsExactly(id);
        assertThat(logged(Level.ERROR)).isEmpty();
        assertThat(logged(Level.INFO)).anyMatch(line -> line.contains("mail " + id + " marked sent at try 4"));
    }

    /**
     * The mark committed but its answer was lost: the next try finds the email no longer pending, and
     * that is this claim's own mark, not a later claim's (no "may be sent once more" warning).
     */
    @Test
    void aMarkWhoseAnswerWasLostIsFoundToBeThisClaimsOwn() {
        List<Long> batch = dueEmails(2);
        MarkFailing outbox = new MarkFailing(jdbc, batch, 0) {
            @Override
            public boolean markSent(Claimed c, Instant now) {
                boolean marked = super.markSent(c, now);
                if (marks.get(c.id()).get() == 1 && c.id() == batch.get(0)) {
                    throw new DataAccessResourceFailureException("An I/O error occurred while receiving the answer");
                }
                return marked;
            }
        };
        Recording smtp = new Recording(noSender, props, -1);

        new MailDelivery(outbox, smtp, props, alerts, clock, accounts).deliverDue();

        assertThat(smtp.sentOf(batch)).containsExactlyInAnyOrderElementsOf(batch);
        assertThat(outbox.marks.get(batch.get(0))).as("tries of the mark").hasValue(2);
        assertThat(batch).allSatisfy(id -> assertThat(status(id)).isEqualTo("SENT"));
        assertThat(logged(Level.WARN))
                .noneMatch(line -> line.contains("mail " + batch.get(0) + " ") && line.contains("no longer owned"));
    }

    @Test
    void aFailedSendWhoseFailureCannotBeRecordedDoesNotStopTheBatch() {
        List<Long> batch = dueEmails(2);
        MarkFailing outbox = new MarkFailing(jdbc, batch, 0) {
            @Override
            public boolean markAttemptFailed(Claimed c, String error, Instant next) {
                throw new DataAccessResourceFailureException("An I/O error occurred while sending to the backend");
            }
        };
        Recording smtp = new Recording(noSender, props, batch.get(0));

        new MailDelivery(outbox, smtp, props, alerts, clock, accounts).deliverDue();

        assertThat(smtp.sentOf(batch)).containsExactly(batch.get(1));
        assertThat(status(batch.get(1))).isEqualTo("SENT");
        assertThat(status(batch.get(0))).as("tried again when its lease ends").isEqualTo("PENDING");
    }

    /** {@code n} compensation emails, PENDING and due since an hour ago, in the order a claim takes them. */
    private List<Long> dueEmails(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestUsers.TestUser u = users.create(0);
            assertThat(notifier.compensation(u.id(), "grant:mark-failure-" + u.id(), 10, "sorry"))
                    .isEqualTo(Queued.QUEUED);
            ids.add(jdbc.sql("select id from mail_outbox where user_id = :u")
                    .param("u", u.id())
                    .query(Long.class)
                    .single());
        }
        // queued HELD (this context has no SMTP server); as a node that sends would have queued them
        jdbc.sql("update mail_outbox set status = 'PENDING', attempts = 0, next_attempt_at = :due where id in (:ids)")
                .param("due", OffsetDateTime.now().minusHours(1))
                .param("ids", ids)
                .update();
        return ids.stream().sorted().toList();
    }

    private String status(long id) {
        return jdbc.sql("select status from mail_outbox where id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    private Instant nextAttempt(long id) {
        return jdbc.sql("select next_attempt_at from mail_outbox where id = :id")
                .param("id", id)
                .query(OffsetDateTime.class)
                .single()
                .toInstant();
    }

    private List<String> logged(Level level) {
        synchronized (lines) {
            return lines.list.stream()
                    .filter(e -> e.getLevel() == level)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    /**
     * The outbox, except that marking the first of {@code batch}'s emails sent fails {@code failures}
     * times, as a dropped connection fails it, before the real statement runs.
     */
    static class MarkFailing extends Outbox {

        final List<Long> batch;
        final int failures;
        final AtomicLong failedFor = new AtomicLong(-1);
        final Map<Long, AtomicInteger> marks = new ConcurrentHashMap<>();
        /** "mark id" for every try of a mark of the batch; a {@link Recording} adds "send id". */
        final List<String> events = new CopyOnWriteArrayList<>();

        MarkFailing(JdbcClient jdbc, List<Long> batch, int failures) {
            super(jdbc);
            this.batch = batch;
            this.failures = failures;
        }

        @Override
        public boolean markSent(Claimed c, Instant now) {
            if (batch.contains(c.id())) {
                int tries =
                        marks.computeIfAbsent(c.id(), id -> new AtomicInteger()).incrementAndGet();
                events.add("mark " + c.id());
                if ((failedFor.compareAndSet(-1, c.id()) || failedFor.get() == c.id()) && tries <= failures) {
                    throw new DataAccessResourceFailureException(
                            "An I/O error occurred while sending to the backend (mark of mail " + c.id() + ")");
                }
            }
            return super.markSent(c, now);
        }
    }

    /** An SMTP server that accepts every email (refuses the one {@code refused}) and records which. */
    static class Recording extends Smtp {

        final List<Long> sent = new CopyOnWriteArrayList<>();
        final long refused;
        final List<String> events;

        Recording(ObjectProvider<JavaMailSender> sender, MailProperties props, long refused) {
            this(sender, props, refused, new CopyOnWriteArrayList<>());
        }

        Recording(ObjectProvider<JavaMailSender> sender, MailProperties props, long refused, List<String> events) {
            super(sender, props);
            this.refused = refused;
            this.events = events;
        }

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public void send(Outbox.Claimed mail) throws MessagingException {
            if (mail.id() == refused) {
                throw new MessagingException("421 4.3.0 try again later");
            }
            sent.add(mail.id());
            events.add("send " + mail.id());
        }

        List<Long> sentOf(List<Long> batch) {
            return sent.stream().filter(batch::contains).toList();
        }
    }
}
