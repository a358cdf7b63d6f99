package dev.renderbank.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.Queued;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * The sender at a stop (the scheduler shutting down) with a backlog: it used to go on claiming batch
 * after batch while the node stopped, and the emails it claimed and did not send waited for their
 * lease (5 minutes) with an attempt counted. It now claims no more once the stop is asked, and gives
 * the rest of the batch in hand back: due now, the attempt undone.
 */
class MailStopTest extends IntegrationTest {

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

    private final List<Long> due = new ArrayList<>();

    /**
     * The emails given back are due now in the database the cached context shares: left there, the next
     * test's sender claims them beside its own (MailMarkFailureTest then saw its mark retried by them).
     */
    @AfterEach
    void removeTheEmailsLeftDue() {
        if (!due.isEmpty()) {
            jdbc.sql("delete from mail_outbox where id in (:ids)")
                    .param("ids", due)
                    .update();
        }
    }

    @Test
    void aStopAskedDuringABatchClaimsNoMoreAndGivesTheUnsentBack() {
        due.addAll(dueEmails(MailDelivery.BATCH + 5));
        MailMarkFailureTest.Recording smtp = new MailMarkFailureTest.Recording(noSender, props, -1);
        MailDelivery sender = new MailDelivery(new Outbox(jdbc), smtp, props, alerts, clock, accounts);

        int sent = sender.deliverDue(() -> !smtp.sent.isEmpty()); // the stop comes after the first send

        assertThat(sent).isEqualTo(1);
        long first = smtp.sent.get(0);
        assertThat(due).contains(first);
        assertThat(status(first)).isEqualTo("SENT");
        Instant now = clock.instant();
        for (long id : due) {
            if (id == first) {
                continue;
            }
            assertThat(attempts(id))
                    .as("attempts of unsent mail " + id + ": never claimed, or its claim undone")
                    .isZero();
            assertThat(status(id)).isEqualTo("PENDING");
            assertThat(nextAttempt(id)).as("mail " + id + " due now").isBeforeOrEqualTo(now);
        }
    }

    /** {@code n} compensation emails, PENDING and due since an hour ago. */
    private List<Long> dueEmails(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestUsers.TestUser u = users.create(0);
            assertThat(notifier.compensation(u.id(), "grant:mail-stop-" + u.id(), 10, "sorry"))
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
        return ids;
    }

    private String status(long id) {
        return jdbc.sql("select status from mail_outbox where id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    private int attempts(long id) {
        return jdbc.sql("select attempts from mail_outbox where id = :id")
                .param("id", id)
                .query(Integer.class)
                .single();
    }

    private Instant nextAttempt(long id) {
        return jdbc.sql("select next_attempt_at from mail_outbox where id = :id")
                .param("id", id)
                .query(OffsetDateTime.class)
                .single()
                .toInstant();
    }
}
