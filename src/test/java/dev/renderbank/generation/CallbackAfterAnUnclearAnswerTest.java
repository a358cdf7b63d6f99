package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A createTask answer that is unclear yet names a task (a 503 around {@code data.taskId}) leaves the
 * job UNKNOWN with that task. The body passed through whatever made the answer unclear, so the task
 * may not be the job's (a proxy that mixed two answers); the provider's callback comes to the job's
 * own URL, which only this job's one createTask carried. So while no record of the named task was
 * read, a callback naming another task is followed: its record resolves the job (charged once), the
 * provider is never asked to create a second task, and the result is not lost. Nothing is dropped
 * silently: a callback naming another job's task is refused (409), one naming another task than a
 * task the job learned from a record is logged, and both leave the job as it was.
 */
class CallbackAfterAnUnclearAnswerTest extends UnclearAnswerTest {

    @Autowired
    JobTransitions transitions;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger callbacks =
            (Logger) LoggerFactory.getLogger("dev.renderbank.generation.internal.ProviderCallbackHandling");

    @BeforeEach
    void captureLogs() {
        lines.start();
        callbacks.addAppender(lines);
    }

    @AfterEach
    void stopCapturing() {
        callbacks.detachAppender(lines);
    }

    @Test
    void aCallbackNamingAnotherTaskThanTheUnclearAnswerIsFollowedAndChargedOnce() {
        TestUser u = users.create(100);
        String named = "t-named-" + UUID.randomUUID();
        String real = "t-real-" + UUID.randomUUID();
        String p = "unclear, then called back for " + real;
        String id = unknownNaming(u, p, named);
        KieRecords.recordInfo(
                named, aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"task not found\"}"));
        KieRecords.succeeded(real);

        Api.Response r = callback(id, real);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitCallbackChecked(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job(id).providerTaskId()).isEqualTo(real);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(taskRows(id)).as("the job's key: the callback's task only").containsExactly(real);
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains(id, named, real));
        clock.advance(Duration.ofMinutes(20));
        driver.step(id);
        assertThat(entries(id, "CAPTURE")).isEqualTo(1);
        assertThat(entries(id, "RELEASE")).isZero();
        assertThat(createTaskCalls(p)).as("never sent again").isEqualTo(1);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aCallbackNamingAnotherJobsTaskIsRefusedAndTheJobKeepsTheNamedTask() {
        String othersTask = "t-other-" + UUID.randomUUID();
        String other = accept(users.create(100), "the other job of " + othersTask);
        FinisherTestSupport.submitted(transitions, other, othersTask, clock.instant());
        Job otherBefore = job(other);
        String named = "t-named-" + UUID.randomUUID();
        String id = unknownNaming(users.create(100), "unclear, then told another's task " + othersTask, named);

        Api.Response r = callback(id, othersTask);

        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId()).isEqualTo(named);
        assertThat(taskRows(id)).containsExactly(named);
        assertThat(job(other)).isEqualTo(otherBefore);
    }

    /** A record of the named task was read (RUNNING): that task is the provider's for this job. */
    @Test
    void aCallbackNamingAnotherTaskThanOneWhoseRecordWasReadIsLoggedAndChangesNothing() {
        String named = "t-named-" + UUID.randomUUID();
        String stray = "t-stray-" + UUID.randomUUID();
        String id = unknownNaming(users.create(100), "unclear, read, then a stray callback " + stray, named);
        KieRecords.running(named);
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.RUNNING);

        Api.Response r = callback(id, stray);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitCallbackChecked(id);
        assertThat(job(id).state()).isEqualTo(JobState.RUNNING);
        assertThat(job(id).providerTaskId()).isEqualTo(named);
        assertThat(taskRows(id)).containsExactly(named);
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains(id, stray, named));
    }

    /** The callback comes while the unclear answer is still on its way: its task stands. */
    @Test
    void aCallbackBeforeTheUnclearAnswerTeachesTheTaskAndTheAnswersTaskIsNotRecorded() throws Exception {
        TestUser u = users.create(100);
        String named = "t-named-" + UUID.randomUUID();
        String real = "t-real-" + UUID.randomUUID();
        String p = "called back before the unclear answer " + real;
        createTaskAnswers(
                p,
                aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody(answerNaming(named))
                        .withFixedDelay(1500));
        String id = accept(u, p);
        CompletableFuture<?> step = CompletableFuture.runAsync(() -> driver.step(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> createTaskCalls(p) == 1);
        KieRecords.succeeded(real);

        assertThat(callback(id, real).status()).isEqualTo(200);
        step.get(20, TimeUnit.SECONDS);
        awaitCallbackChecked(id);

        assertThat(job(id).providerTaskId()).isEqualTo(real);
        assertThat(taskRows(id)).containsExactly(real);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(entries(id, "CAPTURE")).isEqualTo(1);
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    /** An UNKNOWN job with no task learns the callback's (as it always did). */
    @Test
    void aCallbackOfAnUnknownJobWithoutATaskTeachesItsTask() {
        TestUser u = users.create(100);
        String real = "t-real-" + UUID.randomUUID();
        String p = "unclear without a task " + real;
        createTaskAnswers(p, 503, "{\"code\":503,\"msg\":\"unavailable\"}");
        String id = accept(u, p);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId()).isNull();
        KieRecords.succeeded(real);

        assertThat(callback(id, real).status()).isEqualTo(200);
        awaitCallbackChecked(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job(id).providerTaskId()).isEqualTo(real);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(createTaskCalls(p)).isEqualTo(1);
    }

    private List<String> warnings() {
        return lines.list.stream()
                .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
