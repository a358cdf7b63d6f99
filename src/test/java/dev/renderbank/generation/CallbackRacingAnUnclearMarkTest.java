package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Job B's callback names task T while job A's unclear answer naming T is being recorded and not yet
 * committed: B's statement waits on A's key, and is refused by it once A commits. B's claim outranks
 * A's unclear one, so the callback reads again and takes T, as the submit path's mark does (its second
 * try), without waiting for KIE to send the callback again; and no operator is told that A keeps T.
 */
class CallbackRacingAnUnclearMarkTest extends UnclearAnswerTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aCallbackThatWaitedOnAnotherJobsUncommittedUnclearMarkTakesTheTaskOnceItCommits() throws Exception {
        String task = "t-racing-" + UUID.randomUUID();
        String a = unknownWithoutTask(users.create(100), "unclear, its mark racing a callback " + task);
        TestUser y = users.create(100);
        String b = unknownWithoutTask(y, "unclear, its callback racing a mark " + task);
        KieRecords.succeeded(task);
        String url = "/api/provider/kie/callback/" + b + "?token=" + job(b).callbackToken();

        CountDownLatch marked = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Boolean> mark = CompletableFuture.supplyAsync(() -> tx.execute(status -> {
            boolean recorded = FinisherTestSupport.recordUnclearTask(context, a, task, clock.instant());
            marked.countDown();
            try {
                commit.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return recorded;
        }));
        assertThat(marked.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Api.Response> callback = CompletableFuture.supplyAsync(
                () -> api.post(url, null, KieRecords.record(task, "\"state\":\"success\"")));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(this::aStatementWaitsOnTheTaskKey);
        commit.countDown();

        assertThat(mark.get(30, TimeUnit.SECONDS)).isTrue();
        Api.Response r = callback.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitCallbackChecked(b);
        assertThat(job(b).providerTaskId()).isEqualTo(task);
        assertThat(taskRows(b)).containsExactly(task);
        assertThat(job(b).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(y.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(job(a).providerTaskId()).isNull();
        assertThat(taskRows(a)).isEmpty();
        assertThat(alerts()).noneSatisfy(m -> assertThat(m).contains(task));
    }

    private String unknownWithoutTask(TestUser u, String prompt) {
        createTaskAnswers(prompt, 503, "{\"code\":503,\"msg\":\"unavailable\"}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId()).isNull();
        return id;
    }

    /** A statement on the task key waits for a lock (the callback's, on A's uncommitted row). */
    private boolean aStatementWaitsOnTheTaskKey() {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                         where wait_event_type = 'Lock' and query like '%generation_provider_task%'
                           and pid <> pg_backend_pid()""").query(Long.class).single() > 0;
    }

    private List<String> alerts() {
        return jdbc.sql("select message from operator_alert where kind = 'generation.task-claimed-twice'")
                .query(String.class)
                .list();
    }
}
