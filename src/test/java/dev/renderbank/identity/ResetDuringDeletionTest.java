package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The owner deletes the account while a password reset of it is under way (two tabs, or someone
 * else holding the reset link). Both must get an answer: whichever goes first wins (a reset first
 * changes the password the deletion was asked with; a deletion first uses the reset link up). Never a database deadlock, which aborts one of them
 * with an error page: the reset took its link's row and then the account's, the deletion the
 * account's and then the links'.
 */
class ResetDuringDeletionTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    TestUsers users;

    @Autowired
    Passwords passwords;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    EmailTokenStore links;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aResetUnderWayWhileTheAccountIsDeletedEndsWithoutAnError() throws Exception {
        TestUsers.TestUser u = users.create(0);
        String token = Users.newSecret();
        var now = clock.instant();
        links.insert(u.id(), Purpose.RESET, token, now, now.plus(Duration.ofHours(1)));
        long other = links.insert(u.id(), Purpose.RESET, Users.newSecret(), now, now.plus(Duration.ofHours(1)));

        CompletableFuture<Passwords.Outcome> reset = new CompletableFuture<>();
        CompletableFuture<DeletionOutcome> deleted = new CompletableFuture<>();
        tx.executeWithoutResult(s -> {
            // holds the user's other open link: the reset, which ends all of them, waits here
            jdbc.sql("select id from email_token where id = :id for update")
                    .param("id", other)
                    .query(Long.class)
                    .single();
            Concurrently.completeInBackground(reset, () -> passwords.reset(token, "a brand new passphrase 42"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.waiting(jdbc) >= 1);
            Concurrently.completeInBackground(deleted, () -> deletion.delete(u.id(), PASSWORD));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.waiting(jdbc) >= 2 || deleted.isDone() || reset.isDone());
        });

        // one of them went first: a reset that went first changed the password the deletion was
        // asked with; a deletion that went first used the reset link up
        DeletionOutcome d = deleted.get(30, TimeUnit.SECONDS);
        Passwords.Outcome r = reset.get(30, TimeUnit.SECONDS);
        if (r instanceof Passwords.Outcome.Changed) {
            assertThat(d).isInstanceOf(DeletionOutcome.WrongPassword.class);
            assertThat(deletion.isDeleted(u.id())).isFalse();
        } else {
            assertThat(r).isInstanceOf(Passwords.Outcome.LinkNotValid.class);
            assertThat(d).isInstanceOf(DeletionOutcome.Deleted.class);
            assertThat(deletion.isDeleted(u.id())).isTrue();
        }
    }
}
