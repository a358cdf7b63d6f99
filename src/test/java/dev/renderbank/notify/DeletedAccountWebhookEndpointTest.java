package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.StillSignedIn;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A deleted account keeps no webhook endpoint (its URL and signing secret are the user's data; the
 * deletion's clean-up removes them once, right after the deletion commits). A registration that was
 * under way when the owner deleted the account (authenticated before, its URL still resolving) must
 * not leave an endpoint behind that clean-up: it either commits first, and is removed with the
 * others, or sees the deletion and writes nothing.
 */
class DeletedAccountWebhookEndpointTest extends IntegrationTest {

    static final String URL = "http://127.0.0.1:9/hook";

    @Autowired
    TestUsers users;

    @Autowired
    Webhooks webhooks;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    StillSignedIn signedIn;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aRegistrationReachingTheStoreAfterTheDeletionWritesNothing() {
        TestUsers.TestUser u = users.create(0);
        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);
        notifyHandlesTheDeletion(u.id());

        WebhookOutcome outcome = webhooks.register(bearer(u), URL, List.of("credits.granted"));

        assertThat(outcome).isNotInstanceOf(WebhookOutcome.Created.class);
        assertThat(endpointsOf(u.id()))
                .as("endpoints kept for the deleted account")
                .isZero();
    }

    @Test
    void anEndpointRegisteredWhileTheAccountIsDeletedIsRemovedOrNeverWritten() throws Exception {
        TestUsers.TestUser u = users.create(0);
        CompletableFuture<DeletionOutcome> deleted = new CompletableFuture<>();
        AtomicBoolean cleanedUp = new AtomicBoolean();
        AtomicReference<WebhookOutcome> outcome = new AtomicReference<>();
        tx.executeWithoutResult(status -> {
            outcome.set(webhooks.register(bearer(u), URL, List.of("credits.granted")));
            long registering = LockWaits.backend(jdbc);
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
                    .until(() -> deleted.isDone() || LockWaits.blockedBy(jdbc, registering));
            if (deleted.isDone()) {
                // the deletion committed first: its clean-up runs now (on its own connection),
                // before this registration commits
                CompletableFuture.runAsync(() -> notifyHandlesTheDeletion(u.id()))
                        .join();
                cleanedUp.set(true);
            }
        });
        assertThat(deleted.get(10, TimeUnit.SECONDS)).isInstanceOf(DeletionOutcome.Deleted.class);
        if (!cleanedUp.get()) {
            notifyHandlesTheDeletion(u.id());
        }
        assertThat(outcome.get()).isInstanceOf(WebhookOutcome.Created.class);
        assertThat(endpointsOf(u.id()))
                .as("endpoints kept for the deleted account")
                .isZero();
    }

    /** The user's API token, as a request that presents it signs in. */
    private StillSignedIn.Caller bearer(TestUsers.TestUser u) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", "Bearer " + u.token());
        return signedIn.caller(request, new CurrentUser(u.id(), u.email(), Role.USER, true, null));
    }

    private long endpointsOf(long userId) {
        return jdbc.sql("select count(*) from webhook_endpoint where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .single();
    }

    /** This module's own part of a deletion (the durable event's handlers, run here directly). */
    @SuppressWarnings("unchecked")
    private void notifyHandlesTheDeletion(long userId) {
        handlers.stream()
                .filter(h -> h.eventType() == AccountDeleted.class && h.name().startsWith("notify."))
                .forEach(h -> ((DurableEventHandler<AccountDeleted>) h).handle(new AccountDeleted(userId)));
    }
}
