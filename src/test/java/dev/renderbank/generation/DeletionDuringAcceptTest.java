package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A generation request that passed authentication just before its owner deleted the account, and
 * is still being accepted while the deletion and its clean-up run. Whichever commits first, no job
 * may be left running (and paid for at the provider) for the deleted account, nor credits held.
 */
class DeletionDuringAcceptTest extends StubbedKieTest {

    @Autowired
    AccountDeletion deletion;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    TransactionTemplate tx;

    @Test
    void anAcceptStillRunningWhenTheAccountIsDeletedLeavesNoLiveJob() throws Exception {
        TestUser u = users.create(100);
        String prompt = "accepted while its owner left";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-raced\"}}");
        jdbc.sql("insert into generation_limit (user_id, type) values (:u, 'IMAGE') on conflict do nothing")
                .param("u", u.id())
                .update();

        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Stalls the accept at its per-user lock, after authentication: the lock an accept holds
        // until it commits.
        CompletableFuture<Void> blocker = CompletableFuture.runAsync(() -> tx.executeWithoutResult(s -> {
            jdbc.sql("select 1 from generation_limit where user_id = :u and type = 'IMAGE' for update")
                    .param("u", u.id())
                    .query(Integer.class)
                    .single();
            stalled.countDown();
            await(release);
        }));
        assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Api.Response> accept =
                CompletableFuture.supplyAsync(() -> api.post("/api/v1/generate-image", u.token(), image(prompt)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnALock() >= 1);

        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);
        CompletableFuture<Void> cleanUp =
                CompletableFuture.runAsync(() -> accountDeletedHandler().handle(new AccountDeleted(u.id())));
        // the clean-up closes the limit rows, so it waits behind the same lock as the accept: both
        // are under way, neither committed
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnALock() >= 2);
        release.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        cleanUp.get(20, TimeUnit.SECONDS);
        Api.Response answer = accept.get(20, TimeUnit.SECONDS);

        assertThat(answer.status()).as(answer.body()).isIn(202, 401);
        assertThat(jdbc.sql(
                                "select count(*) from generation_job where user_id = :u and state not in ('SUCCEEDED', 'FAILED')")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .as("no job keeps running for the deleted account")
                .isZero();
        assertThat(ledger.balance(u.id()).held()).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * The clean-up runs to its end while the request is still held up before its limits (here behind
     * an uncommitted use of its Idempotency-Key): the request then answers 401 and starts nothing.
     */
    @Test
    void anAcceptThatReachesItsLimitsAfterTheCleanUpIsRefusedAndHoldsNothing() throws Exception {
        TestUser u = users.create(100);
        String prompt = "accepted after its owner left";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-late\"}}");
        String key = "key-" + u.id();

        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> blocker = CompletableFuture.runAsync(() -> tx.executeWithoutResult(s -> {
            jdbc.sql("""
                            insert into idempotency_record (user_id, endpoint, idem_key, request_hash, job_id, created_at)
                            values (:u, 'generate-image', :k, 'x', 'gen_none', now())""").param("u", u.id()).param("k", key).update();
            stalled.countDown();
            await(release);
            s.setRollbackOnly();
        }));
        assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Api.Response> accept = CompletableFuture.supplyAsync(
                () -> api.post("/api/v1/generate-image", u.token(), image(prompt), Map.of("Idempotency-Key", key)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waitingOn("idempotency_record") >= 1);

        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);
        accountDeletedHandler().handle(new AccountDeleted(u.id()));
        release.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        Api.Response answer = accept.get(20, TimeUnit.SECONDS);

        assertThat(answer.status()).as(answer.body()).isEqualTo(401);
        assertThat(answer.body()).contains("account-deleted");
        assertThat(jdbc.sql("select count(*) from generation_job where user_id = :u")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(ledger.balance(u.id()).held()).isZero();
    }

    private long waitingOnALock() {
        return waitingOn("generation_limit");
    }

    private long waitingOn(String table) {
        return jdbc.sql("select count(*) from pg_stat_activity where wait_event_type = 'Lock'" + " and query like :q")
                .param("q", "%" + table + "%")
                .query(Long.class)
                .single();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private DurableEventHandler<AccountDeleted> accountDeletedHandler() {
        return (DurableEventHandler<AccountDeleted>) handlers.stream()
                .filter(h -> h.name().equals("generation.account-deleted"))
                .findFirst()
                .orElseThrow();
    }
}
