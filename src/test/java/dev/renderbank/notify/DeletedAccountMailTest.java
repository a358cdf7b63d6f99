package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * "Delete my account" erases the address (README): the outbox must not keep it in the emails queued
 * or sent before, must not send what was still waiting, and queues nothing for the account afterwards
 * (its placeholder address is undeliverable: every such email would fail and alert operators).
 */
class DeletedAccountMailTest extends IntegrationTest {

    @Autowired
    TestUsers users;

    @Autowired
    Notifier notifier;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @Test
    void theOutboxKeepsNoAddressOfADeletedAccountSendsNothingWaitingAndQueuesNothingNew() {
        TestUsers.TestUser u = users.create(100);
        assertThat(notifier.compensation(u.id(), "grant:before-" + u.id(), 10, "sorry for the wait"))
                .isEqualTo(Queued.QUEUED);
        assertThat(rowsNaming(u)).isEqualTo(1);

        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);
        notifyHandlesTheDeletion(u.id());

        assertThat(rowsNaming(u)).as("no email row keeps the erased address").isZero();
        assertThat(jdbc.sql("select status from mail_outbox where user_id = :u")
                        .param("u", u.id())
                        .query(String.class)
                        .list())
                .as("what was waiting is not sent")
                .containsExactly("FAILED");
        assertThat(notifier.compensation(u.id(), "grant:after-" + u.id(), 10, "too late"))
                .isEqualTo(Queued.NO_RECIPIENT);
        assertThat(jdbc.sql("select count(*) from mail_outbox where user_id = :u")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // a repeat of the handler changes nothing
        notifyHandlesTheDeletion(u.id());
        assertThat(rowsNaming(u)).isZero();
    }

    /**
     * An email being queued (its transaction still open) while the owner deletes the account: the
     * deletion's clean-up, which runs right after the deletion commits, must still find and erase it.
     */
    @Test
    void anEmailQueuedWhileTheAccountIsDeletedIsErasedToo() throws Exception {
        TestUsers.TestUser u = users.create(100);
        CompletableFuture<DeletionOutcome> deleted = new CompletableFuture<>();
        AtomicBoolean cleanedUp = new AtomicBoolean();
        tx.executeWithoutResult(status -> {
            assertThat(notifier.compensation(u.id(), "grant:during-" + u.id(), 10, "sorry"))
                    .isEqualTo(Queued.QUEUED);
            long queuing = LockWaits.backend(jdbc);
            new Thread(() -> {
                        try {
                            deleted.complete(deletion.delete(u.id(), "correct horse battery staple"));
                        } catch (RuntimeException e) {
                            deleted.completeExceptionally(e);
                        }
                    })
                    .start();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> deleted.isDone() || LockWaits.blockedBy(jdbc, queuing));
            if (deleted.isDone()) {
                // the deletion committed first: its clean-up runs now (on its own connection), before
                // this email commits
                CompletableFuture.runAsync(() -> notifyHandlesTheDeletion(u.id()))
                        .join();
                cleanedUp.set(true);
            }
        });
        assertThat(deleted.get(10, TimeUnit.SECONDS)).isInstanceOf(DeletionOutcome.Deleted.class);
        if (!cleanedUp.get()) {
            notifyHandlesTheDeletion(u.id());
        }
        assertThat(rowsNaming(u)).as("no email row keeps the erased address").isZero();
    }

    private long rowsNaming(TestUsers.TestUser u) {
        return jdbc.sql("""
                        select count(*) from mail_outbox
                         where strpos(recipient, :e) > 0 or strpos(coalesce(body_text, ''), :e) > 0
                            or strpos(coalesce(body_html, ''), :e) > 0 or strpos(subject, :e) > 0""").param("e", u.email()).query(Long.class).single();
    }

    /** This module's own part of a deletion (the durable event's handlers, run here directly). */
    @SuppressWarnings("unchecked")
    private void notifyHandlesTheDeletion(long userId) {
        handlers.stream()
                .filter(h -> h.eventType() == AccountDeleted.class && h.name().startsWith("notify."))
                .forEach(h -> ((DurableEventHandler<AccountDeleted>) h).handle(new AccountDeleted(userId)));
    }
}
