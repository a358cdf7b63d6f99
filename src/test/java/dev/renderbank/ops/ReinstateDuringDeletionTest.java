package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An operator reinstates a suspended account while its owner deletes it: a deletion is final, so a
 * reinstatement that comes too late is refused ("account-deleted") and recorded nowhere, never
 * answered "done" with the account recorded as active while it stays closed.
 */
class ReinstateDuringDeletionTest extends IntegrationTest {

    @Autowired
    TestUsers users;

    @Autowired
    UserActions actions;

    @Autowired
    UserAdministration accounts;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    Audit audit;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aReinstatementOvertakenByTheOwnersDeletionIsRefused() throws Exception {
        TestUsers.TestUser u = users.create(0);
        String actor = "race-op-" + u.id();
        assertThat(actions.suspend(actor, u.id(), "fraud review", "suspend-" + u.id()))
                .isInstanceOf(ActionResult.Done.class);

        CompletableFuture<ActionResult> reinstated = new CompletableFuture<>();
        try (Connection held = dataSource.getConnection()) {
            // Another transaction holds the reinstatement's key, uncommitted: the reinstatement passes
            // its "not deleted" check, then waits at its claim while the owner deletes the account.
            held.setAutoCommit(false);
            try (PreparedStatement claim = held.prepareStatement("insert into operator_action (actor, action,"
                    + " target, reason, idempotency_key, created_at) values (?, 'reinstate', ?, 'held', ?, now())")) {
                claim.setString(1, actor);
                claim.setString(2, "user:" + u.id());
                claim.setString(3, "reinstate-" + u.id());
                claim.executeUpdate();
            }
            long holder = LockWaits.backend(held);
            new Thread(() -> {
                        try {
                            reinstated.complete(actions.reinstate(actor, u.id(), "cleared", "reinstate-" + u.id()));
                        } catch (RuntimeException e) {
                            reinstated.completeExceptionally(e);
                        }
                    })
                    .start();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.blockedBy(jdbc, holder));
            assertThat(deletion.delete(u.id(), "correct horse battery staple"))
                    .isInstanceOf(DeletionOutcome.Deleted.class);
            held.rollback();
        }
        ActionResult r = reinstated.get(20, TimeUnit.SECONDS);
        assertThat(accounts.active(u.id())).as("a deleted account stays closed").isFalse();
        assertThat(r).as("the reinstatement came after the deletion").isInstanceOf(ActionResult.Refused.class);
        assertThat(((ActionResult.Refused) r).code()).isEqualTo("account-deleted");
        assertThat(audit.list(actor, "reinstate", "user:" + u.id(), null, 10))
                .as("nothing recorded as done")
                .isEmpty();
    }
}
