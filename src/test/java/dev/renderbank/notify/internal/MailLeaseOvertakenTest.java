package dev.renderbank.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.Queued;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * An attempt whose lease ran out while it was talking to the SMTP server no longer owns its email: a
 * later claim took the row (and here sent it). When the stale attempt then fails on what was its last
 * try, the email is not FAILED and operators get no "could not be delivered" alert for an email that
 * was delivered.
 */
class MailLeaseOvertakenTest extends IntegrationTest {

    @Autowired
    TestUsers users;

    @Autowired
    Notifier notifier;

    @Autowired
    Outbox outbox;

    @Autowired
    AdminOutbox admin;

    @Autowired
    dev.renderbank.identity.AccountDeletion accounts;

    @Autowired
    MailProperties props;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectProvider<JavaMailSender> noSender;

    @Test
    void aLastAttemptThatFailsAfterALaterClaimSentTheEmailRaisesNoAlert() {
        TestUsers.TestUser u = users.create(0);
        Outbox.Claimed claimed = lastAttemptClaimed(u);
        long id = claimed.id();

        Smtp slowThenRefused = new Smtp(noSender, props) {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void send(Outbox.Claimed mail) throws MessagingException {
                // meanwhile the lease ran out, another node claimed the email and sent it
                jdbc.sql("update mail_outbox set attempts = attempts + 1, status = 'SENT', sent_at = now()"
                                + " where id = :id")
                        .param("id", mail.id())
                        .update();
                throw new MessagingException("Read timed out");
            }
        };
        new MailDelivery(outbox, slowThenRefused, props, alerts, clock, accounts).deliver(claimed);

        assertThat(jdbc.sql("select status from mail_outbox where id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .isEqualTo("SENT");
        assertThat(alerts.recent(1000))
                .noneMatch(a -> a.kind().equals("mail.failed") && a.message().contains("Email " + id + " "));
    }

    /**
     * A mailbox that refuses mail: the server's refusal quotes the address. What the outbox row keeps
     * (after a deletion too, which erases the address) and the operators' alert say the refusal
     * without it.
     */
    @Test
    void aRefusalQuotingTheAddressIsStoredAndAlertedWithoutIt() {
        TestUsers.TestUser u = users.create(0);
        Outbox.Claimed claimed = lastAttemptClaimed(u);
        long id = claimed.id();
        Smtp refusing = new Smtp(noSender, props) {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void send(Outbox.Claimed mail) throws MessagingException {
                throw new MessagingException("550 5.1.1 <" + mail.to().toUpperCase(java.util.Locale.ROOT)
                        + ">: Recipient address rejected: User unknown");
            }
        };
        new MailDelivery(outbox, refusing, props, alerts, clock, accounts).deliver(claimed);

        String stored = jdbc.sql("select status || ' ' || last_error from mail_outbox where id = :id")
                .param("id", id)
                .query(String.class)
                .single();
        assertThat(stored).startsWith("FAILED").contains("<<recipient>>: Recipient address rejected");
        assertThat(stored.toLowerCase(java.util.Locale.ROOT))
                .doesNotContain(u.email().toLowerCase(java.util.Locale.ROOT));
        assertThat(alerts.recent(1000))
                .filteredOn(a -> a.kind().equals("mail.failed") && a.message().contains("Email " + id + " "))
                .singleElement()
                .satisfies(a -> assertThat(a.message().toLowerCase(java.util.Locale.ROOT))
                        .contains("recipient address rejected")
                        .doesNotContain(u.email().toLowerCase(java.util.Locale.ROOT)));
        // the shared database's admin pages are read by other tests for leaked Java names: the SMTP
        // error names the exception, as an operator's page may, so this test's rows go
        jdbc.sql("delete from mail_outbox where id = :id").param("id", id).update();
        jdbc.sql("delete from operator_alert where kind = 'mail.failed' and message like :m")
                .param("m", "Email " + id + " %")
                .update();
    }

    /**
     * An email sent again counts its attempts from 0: a claim of the round before (a sender that
     * outlived its lease) has the same attempt number as the new round's first claim, yet owns
     * nothing: it cannot send, mark sent or fail the email; the new round's claim can.
     */
    @Test
    void aClaimOfTheRoundBeforeAResendOwnsNothing() {
        TestUsers.TestUser u = users.create(0);
        assertThat(notifier.compensation(u.id(), "grant:round-" + u.id(), 10, "sorry"))
                .isEqualTo(Queued.QUEUED);
        long id = jdbc.sql("select id from mail_outbox where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
        jdbc.sql("update mail_outbox set status = 'PENDING', attempts = 0, next_attempt_at = now() - interval '1 hour'"
                        + " where id = :id")
                .param("id", id)
                .update();
        java.time.Instant now = java.time.Instant.now();
        Outbox.Claimed stale = outbox.claimDue(now, now.plusSeconds(60), 500).stream()
                .filter(c -> c.id() == id)
                .findFirst()
                .orElseThrow();
        assertThat(outbox.markAttemptFailed(stale, "421 later", null)).isTrue(); // FAILED for good
        assertThat(admin.resend(id, "FAILED", now)).isTrue();
        assertThat(admin.resend(id, "FAILED", now))
                .as("a compare-and-set on the status")
                .isFalse();

        Outbox.Claimed fresh = outbox.claimDue(now.plusSeconds(1), now.plusSeconds(60), 500).stream()
                .filter(c -> c.id() == id)
                .findFirst()
                .orElseThrow();
        assertThat(fresh.attempt()).isEqualTo(stale.attempt());
        assertThat(outbox.standing(id).orElseThrow().ownedBy(stale)).isFalse();
        assertThat(outbox.markSent(stale, now)).isFalse();
        assertThat(outbox.standing(id).orElseThrow().ownedBy(fresh)).isTrue();
        assertThat(outbox.markSent(fresh, now)).isTrue();
    }

    /**
     * A compensation email queued for {@code u}, and this node's claim of its last attempt (this
     * context has no SMTP server, so the email was queued HELD: as a node that sends would have queued
     * it, it is PENDING).
     */
    private Outbox.Claimed lastAttemptClaimed(TestUsers.TestUser u) {
        assertThat(notifier.compensation(u.id(), "grant:last-attempt-" + u.id(), 10, "sorry"))
                .isEqualTo(Queued.QUEUED);
        long id = jdbc.sql("select id from mail_outbox where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
        int last = props.maxAttempts();
        jdbc.sql("update mail_outbox set status = 'PENDING', attempts = :a where id = :id")
                .param("a", last)
                .param("id", id)
                .update();
        return new Outbox.Claimed(id, "k", u.email(), "subject", "text", null, last);
    }
}
