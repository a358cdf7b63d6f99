package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sender claims a batch of emails at once (address and bodies read then) and sends them one by
 * one, seconds each and longer when the SMTP server is slow. What happened to an email meanwhile
 * decides whether it goes, not the copy the batch holds: an email whose account was deleted after the
 * claim is not sent ("emails still waiting are not sent", README), nor a generation email its user has
 * turned off while it waited.
 */
class MailCheckedBeforeSendTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Inbox inbox = new Inbox();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> inbox.port);
        r.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        // longer than any message is held by the slow server below
        r.add("spring.mail.properties.mail.smtp.timeout", () -> "60000");
        r.add("renderbank.mail.send-interval", () -> "200ms");
    }

    @BeforeAll
    static void up() {
        inbox.start();
    }

    @AfterAll
    static void down() {
        inbox.stop();
    }

    @AfterEach
    void smtpBack() {
        inbox.stop();
        inbox.start();
    }

    @Autowired
    TestUsers users;

    @Autowired
    Notifier notifier;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    /**
     * Two emails claimed together; the batch's order is the claim's (not guaranteed), so the one sent
     * first is held and the other one's account is deleted. A third, queued after the release, is sent
     * by a later claim: once it is in, the batch is over.
     */
    @Test
    void anEmailWhoseAccountIsDeletedWhileItsBatchIsBeingSentIsNotSent() throws Exception {
        Map<String, TestUsers.TestUser> batch = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            TestUsers.TestUser u = users.create(0);
            batch.put(u.email(), u);
        }
        CompletableFuture<String> held = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        inbox.holdFirstMailTo(batch.keySet(), held, release);
        TestUsers.TestUser deleted;
        try {
            // one commit, so one claim takes both
            tx.executeWithoutResult(s -> batch.values()
                    .forEach(u -> assertThat(notifier.compensation(u.id(), "grant:batch-" + u.id(), 10, "sorry"))
                            .isEqualTo(Queued.QUEUED)));
            String first = held.get(20, TimeUnit.SECONDS);
            deleted = batch.values().stream()
                    .filter(u -> !u.email().equals(first))
                    .findFirst()
                    .orElseThrow();
            assertThat(row(deleted).attempts())
                    .as("the other email was claimed with the first: its address and bodies are in hand")
                    .isEqualTo(1);

            assertThat(deletion.delete(deleted.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);
            notifyHandlesTheDeletion(deleted.id());
            assertThat(row(deleted).status()).isEqualTo("FAILED");
        } finally {
            release.countDown();
        }

        TestUsers.TestUser later = users.create(0);
        assertThat(notifier.compensation(later.id(), "grant:batch-" + later.id(), 10, "sorry"))
                .isEqualTo(Queued.QUEUED);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !inbox.to(later.email()).isEmpty());
        assertThat(inbox.to(held.get())).hasSize(1);
        assertThat(inbox.to(deleted.email()))
                .as("nothing reaches the deleted account's address")
                .isEmpty();
        OutboxMessage erased = row(deleted);
        assertThat(erased.status()).isEqualTo("FAILED");
        assertThat(erased.lastError()).isEqualTo("not sent: the account was deleted");
        assertThat(erased.sentAt()).isNull();
    }

    /**
     * The setting is checked when a generation email is queued, but the email may then wait hours for
     * its retries (an SMTP outage): if the user turns generation emails off meanwhile, it is not sent,
     * and ends FAILED with that reason (not deleted). Account emails (here a password reset) do not
     * depend on that setting and still go.
     */
    @Test
    void aGenerationEmailWaitingForItsRetryIsNotSentOnceTheUserTurnsThemOffButAccountEmailsGo() {
        TestUsers.TestUser u = users.create(0);
        String generation = "generation:gen-off-" + u.id();
        String reset = "reset-off-" + u.id();
        inbox.down();
        assertThat(notifier.generationReady(u.id(), "gen-off-" + u.id(), "image", "nano-banana", false))
                .isEqualTo(Queued.QUEUED);
        assertThat(notifier.passwordReset(u.id(), reset, "tok-" + u.id(), null)).isEqualTo(Queued.QUEUED);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> message(u, generation).lastError() != null
                        && message(u, reset).lastError() != null);
        assertThat(message(u, generation).status()).as("waiting for its retry").isEqualTo("PENDING");

        notifier.changeSettings(u.id(), false, null);
        inbox.start();
        clock.advance(Duration.ofSeconds(31)); // both retries due (30 s after the first failure)

        // both retried: received (SENT is marked after the server took it) or not
        await().atMost(Duration.ofSeconds(20))
                .until(() -> message(u, reset).status().equals("SENT")
                        && !message(u, generation).status().equals("PENDING"));
        assertThat(inbox.to(u.email()))
                .extracting(Inbox.Mail::subject)
                .as("the reset goes, the generation email does not")
                .containsExactly("Reset your renderbank password");
        OutboxMessage unsent = message(u, generation);
        assertThat(unsent.status()).isEqualTo("FAILED");
        assertThat(unsent.lastError()).isEqualTo("not sent: the user turned generation emails off");
        assertThat(unsent.sentAt()).isNull();
    }

    /**
     * Between a deletion's commit and its handler's run (which erases the address and ends the
     * emails; it runs after the commit, on a node's next poll, later still if it fails and is retried),
     * a waiting email is not sent either: its send asks whether the account is deleted. The account is
     * marked deleted in SQL here, so that the handler cannot run first and hide the gap.
     */
    @Test
    void anEmailOfAnAccountDeletedBeforeTheDeletionsHandlerRanIsNotSent() {
        TestUsers.TestUser gone = users.create(0);
        inbox.down();
        assertThat(notifier.compensation(gone.id(), "grant:gap-" + gone.id(), 10, "sorry"))
                .isEqualTo(Queued.QUEUED);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> message(gone, "grant:gap-" + gone.id()).lastError() != null);

        jdbc.sql("update app_user set deleted_at = now() where id = :id")
                .param("id", gone.id())
                .update();
        inbox.start();
        clock.advance(Duration.ofSeconds(31)); // its retry is due
        TestUsers.TestUser later = users.create(0);
        assertThat(notifier.compensation(later.id(), "grant:gap-" + later.id(), 10, "sorry"))
                .isEqualTo(Queued.QUEUED);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !inbox.to(later.email()).isEmpty()
                        && message(gone, "grant:gap-" + gone.id()).attempts() == 2);
        // claimed again for its retry: before the check it was sent within milliseconds of that claim
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> inbox.to(gone.email()).isEmpty());
        assertThat(message(gone, "grant:gap-" + gone.id()).sentAt()).isNull();
    }

    private OutboxMessage row(TestUsers.TestUser u) {
        return message(u, "grant:batch-" + u.id());
    }

    private OutboxMessage message(TestUsers.TestUser u, String cause) {
        return notifier.message(cause, u.id()).orElseThrow();
    }

    /** This module's own part of a deletion (the durable event's handlers, run here directly). */
    @SuppressWarnings("unchecked")
    private void notifyHandlesTheDeletion(long userId) {
        handlers.stream()
                .filter(h -> h.eventType() == AccountDeleted.class && h.name().startsWith("notify."))
                .forEach(h -> ((DurableEventHandler<AccountDeleted>) h).handle(new AccountDeleted(userId)));
    }
}
