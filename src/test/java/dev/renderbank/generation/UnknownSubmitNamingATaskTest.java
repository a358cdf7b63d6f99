package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A createTask answer that leaves open whether a task was created, yet names one (a gateway's 503
 * around KIE's {@code {code:200, data:{taskId}}}, a 2xx whose code is not 200): the job is UNKNOWN
 * and never sent again (one createTask, ever), and it keeps the task's id. Without it the provider,
 * paid, delivered to nobody: the job waited for its deadline, was failed without a task, and no late
 * result was asked for. With it, the task's record resolves the job as a submitted one's does.
 */
class UnknownSubmitNamingATaskTest extends StubbedKieTest {

    @Autowired
    SchedulerClient scheduler;

    @Autowired
    JobTransitions transitions;

    @Autowired
    JobFinisher finisher;

    @ParameterizedTest(name = "HTTP {0} with body code {1}")
    @CsvSource({"503, 200", "504, 200", "429, 200", "408, 200", "200, 500"})
    void aNamedTaskWhoseRecordSaysSuccessIsDeliveredAndChargedOnce(int status, int code) {
        TestUser u = users.create(100);
        String task = "t-x-" + UUID.randomUUID();
        String p = "unclear " + task;
        createTaskAnswers(p, status, answerNaming(code, task));
        String id = accept(u, p);

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId())
                .as("the task the answer named is kept")
                .isEqualTo(task);
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);

        KieRecords.succeeded(task);
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        driver.step(id);
        clock.advance(Duration.ofMinutes(20));
        driver.step(id);
        assertThat(entries(id, "CAPTURE")).isEqualTo(1);
        assertThat(entries(id, "RELEASE")).isZero();
        assertThat(createTaskCalls(p)).as("never sent again").isEqualTo(1);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aNamedTaskWhoseRecordSaysFailIsReleasedOnce() {
        TestUser u = users.create(100);
        String task = "t-x-" + UUID.randomUUID();
        String p = "unclear, failed " + task;
        createTaskAnswers(p, 503, answerNaming(200, task));
        String id = accept(u, p);
        driver.step(id);
        assertThat(job(id).providerTaskId()).isEqualTo(task);

        KieRecords.failed(task, "Internal error, please try again later");
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_generation_failed");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u))
                .as("not the user's fault: cooldown given back")
                .isEmpty();
        driver.step(id);
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(entries(id, "CAPTURE")).isZero();
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    /**
     * KIE does not know the task (404) nor ever tells more: the job stays UNKNOWN, polled but never
     * sent again, until its deadline fails and releases it; its task known, a late result is asked for.
     */
    @Test
    void aNamedTaskNeverFoundStaysUnknownUntilTheDeadlineThenAsksForALateResult() {
        TestUser u = users.create(100);
        String task = "t-x-" + UUID.randomUUID();
        String p = "unclear, never found " + task;
        createTaskAnswers(p, 503, answerNaming(200, task));
        String id = accept(u, p);
        driver.step(id);
        KieRecords.recordInfo(
                task, aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"task not found\"}"));

        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofMinutes(2));
            driver.step(id);
            assertThat(job(id).state()).as("after %d polls", i + 1).isEqualTo(JobState.UNKNOWN);
        }
        assertThat(KieRecords.recordInfoCalls(task))
                .as("its task is asked about")
                .isGreaterThanOrEqualTo(7);
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);

        clock.advance(Duration.ofMinutes(2));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("deadline_exceeded");
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(scheduler.getScheduledExecution(TaskInstanceId.of("generation-late-delivery", id)))
                .as("a late result is asked for")
                .isPresent();
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    /** Its callback finds the job by our id and the task by the one recorded: checked and delivered. */
    @Test
    void aCallbackForTheNamedTaskDeliversIt() {
        TestUser u = users.create(100);
        String task = "t-x-" + UUID.randomUUID();
        String p = "unclear, called back " + task;
        createTaskAnswers(p, 503, answerNaming(200, task));
        String id = accept(u, p);
        driver.step(id);
        KieRecords.succeeded(task);

        Api.Response r = api.post(
                "/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(),
                null,
                KieRecords.record(task, "\"state\":\"success\""));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitCallbackChecked(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    /** A task id another job already names is not this job's to record: UNKNOWN without a task, as before. */
    @Test
    void aNamedTaskThatIsAnotherJobsIsNotRecorded() {
        String task = "t-x-" + UUID.randomUUID();
        String other = accept(users.create(100), "the other job of " + task);
        FinisherTestSupport.submitted(transitions, other, task, clock.instant());
        TestUser u = users.create(100);
        String p = "unclear, another's task " + task;
        createTaskAnswers(p, 503, answerNaming(200, task));
        String id = accept(u, p);

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId()).isNull();
        assertThat(job(other).providerTaskId()).isEqualTo(task);
        KieRecords.recordInfo(task, okJson(KieRecords.record(task, "\"state\":\"generating\"")));
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    /**
     * The job's task took the submit for interrupted (UNKNOWN, no task) while its answer was on the
     * way: the answer, naming a task, teaches the job its task all the same.
     */
    @Test
    void anAnswerNamingATaskAfterTheSubmitWasTakenForInterruptedRecordsIt() throws Exception {
        TestUser u = users.create(100);
        String task = "t-x-" + UUID.randomUUID();
        String p = "unclear, late answer " + task;
        createTaskAnswers(
                p,
                aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody(answerNaming(200, task))
                        .withFixedDelay(1000));
        String id = accept(u, p);

        CompletableFuture<?> step = CompletableFuture.runAsync(() -> driver.step(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> createTaskCalls(p) == 1);
        assertThat(jdbc.sql("""
                                update generation_job set state = 'UNKNOWN', error_message = 'submit attempt interrupted',
                                       version = version + 1
                                 where id = :id and state = 'RESERVED' and submit_started_at is not null""").param("id", id).update())
                .as("taken for interrupted before the answer came")
                .isEqualTo(1);
        step.get(20, TimeUnit.SECONDS);

        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        KieRecords.succeeded(task);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(entries(id, "CAPTURE")).isEqualTo(1);
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    /**
     * The job failed (an operator, its deadline) while its submit was in flight: the task its answer
     * names is recorded on the failed job, whose late result is asked for, free of charge.
     */
    @Test
    void anAnswerNamingATaskOfAJobFailedMeanwhileRecordsItAndAsksForALateResult() throws Exception {
        TestUser u = users.create(100);
        String task = "t-x-" + UUID.randomUUID();
        String p = "unclear, failed meanwhile " + task;
        createTaskAnswers(
                p,
                aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody(answerNaming(200, task))
                        .withFixedDelay(1000));
        String id = accept(u, p);

        CompletableFuture<?> step = CompletableFuture.runAsync(() -> driver.step(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> createTaskCalls(p) == 1);
        assertThat(FinisherTestSupport.fail(finisher, job(id), "deadline_exceeded", "too late", true))
                .isTrue();
        step.get(20, TimeUnit.SECONDS);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(scheduler.getScheduledExecution(TaskInstanceId.of("generation-late-delivery", id)))
                .isPresent();
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    private static String answerNaming(int code, String task) {
        return "{\"code\":" + code + ",\"msg\":\"" + (code == 200 ? "success" : "internal error")
                + "\",\"data\":{\"taskId\":\"" + task + "\"}}";
    }

    private long entries(String jobId, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where ref_key = :k and kind = :kind")
                .param("k", jobId)
                .param("kind", kind)
                .query(Long.class)
                .single();
    }
}
