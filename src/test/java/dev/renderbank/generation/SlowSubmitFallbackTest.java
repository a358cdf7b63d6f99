package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobDriver.TaskMove;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A job's task coming due (the accept's {@code submit-fallback}) while the job's first submit is
 * still waiting for createTask's answer: a submit thread that took the job late, behind a backlog or
 * a slow provider. The task must not take that live attempt for a dead one. The attempt's answer
 * decides, and a 429 (it proves no task was created) leaves the job free to be sent again, not
 * UNKNOWN with the user's credits and in-flight slot held until its deadline. Never two paid tasks.
 */
class SlowSubmitFallbackTest extends StubbedKieTest {

    private static final String RATE_LIMITED = "{\"code\":429,\"msg\":\"rate limited\"}";
    private static final String ACCEPTED = "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"%s\"}}";

    @Test
    void aTaskComingDueWhileTheSubmitWaitsForItsAnswerLeavesTheJobToThatAnswer() throws Exception {
        String prompt = "slow then rate limited " + System.nanoTime();
        String task = "kie-after-429-" + System.nanoTime();
        // within the 3 s read timeout: an answer, not a lost one
        slowRefusalThenAccepted(prompt, Duration.ofSeconds(2), task);
        TestUser u = users.create(100);
        String id = accept(u, prompt);
        Job accepted = job(id);

        ExecutorService submitter = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = submitter.submit(() -> driver.submitAccepted(accepted, TaskMove.NONE));
            await().atMost(Duration.ofSeconds(10)).until(() -> job(id).submitStartedAt() != null);
            Instant started = job(id).submitStartedAt();

            Optional<Instant> next = driver.step(id); // the task, come due while createTask waits

            assertThat(job(id).state())
                    .as("a job whose submit may still be waiting for its answer")
                    .isEqualTo(JobState.RESERVED);
            assertThat(next)
                    .as("looked at again once no submit can still be waiting")
                    .hasValueSatisfying(t -> assertThat(t).isAfter(started.plus(gateway.submitTimeLimit())));
            first.get(10, TimeUnit.SECONDS);
        } finally {
            submitter.shutdownNow();
        }

        assertThat(job(id).state()).isEqualTo(JobState.RESERVED);
        assertThat(job(id).submitStartedAt()).as("free to be sent again").isNull();
        driver.step(id); // the task, at its retry

        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        assertThat(acceptedCreateTasks(prompt)).as("tasks the provider created").isEqualTo(1);
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
    }

    /**
     * A submit that outlived the submit time limit (a stalled thread, a write waiting for a connection)
     * is taken for interrupted and the job marked UNKNOWN; when that attempt's 429 then arrives, it
     * proves the one createTask of that attempt created nothing, so the job is free to be sent again.
     */
    @Test
    void aSubmitTakenForInterruptedWhoseAnswerProvesNoTaskLeavesTheJobFreeToBeSentAgain() throws Exception {
        String prompt = "outlived then rate limited " + System.nanoTime();
        String task = "kie-after-late-429-" + System.nanoTime();
        slowRefusalThenAccepted(prompt, Duration.ofSeconds(2), task);
        TestUser u = users.create(100);
        String id = accept(u, prompt);
        Job accepted = job(id);

        ExecutorService submitter = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = submitter.submit(() -> driver.submitAccepted(accepted, TaskMove.NONE));
            await().atMost(Duration.ofSeconds(10)).until(() -> job(id).submitStartedAt() != null);
            clock.advance(gateway.submitTimeLimit().plus(Duration.ofMinutes(1)));

            driver.step(id); // the task: no submit waits that long, so it takes this one for interrupted

            assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
            first.get(10, TimeUnit.SECONDS);
        } finally {
            submitter.shutdownNow();
        }

        Job refused = job(id);
        assertThat(refused.state()).as("after the attempt's 429").isEqualTo(JobState.RESERVED);
        assertThat(refused.submitStartedAt()).as("free to be sent again").isNull();
        assertThat(refused.errorMessage()).isNull();
        driver.step(id); // the task, at its retry

        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        assertThat(acceptedCreateTasks(prompt)).as("tasks the provider created").isEqualTo(1);
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
    }

    /** createTask for {@code prompt}: a 429 after {@code delay}, then (every later call) {@code task}. */
    private static void slowRefusalThenAccepted(String prompt, Duration delay, String task) {
        String scenario = "slow 429 " + prompt;
        KIE.stubFor(post(CREATE)
                .withRequestBody(containing(prompt))
                .inScenario(scenario)
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withBody(RATE_LIMITED)
                        .withFixedDelay((int) delay.toMillis()))
                .willSetStateTo("taking work"));
        KIE.stubFor(post(CREATE)
                .withRequestBody(containing(prompt))
                .inScenario(scenario)
                .whenScenarioStateIs("taking work")
                .willReturn(okJson(ACCEPTED.formatted(task))));
    }

    /** createTask calls for {@code prompt} the provider answered with a task (200). */
    private static long acceptedCreateTasks(String prompt) {
        return KIE.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(CREATE)
                        && e.getRequest().getBodyAsString().contains(prompt)
                        && e.getResponse().getStatus() == 200)
                .count();
    }
}
