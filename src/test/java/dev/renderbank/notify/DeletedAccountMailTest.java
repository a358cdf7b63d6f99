package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

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
