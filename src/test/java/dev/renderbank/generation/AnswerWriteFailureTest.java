package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers.TestUser;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The provider's answer to a submit is written even when the database fails that write for a while
 * (here: the app's connection terminated as a failover would, twice, while another transaction
 * holds what the write needs). An accepted task is billed by the provider from that moment: its id
 * is logged with the job at once, and the job reaches SUBMITTED with it once the database answers,
 * then completes and is charged once, createTask called once. A 429's clear (no task was created)
 * lands the same way, so the job is sent again rather than held until its deadline.
 */
class AnswerWriteFailureTest extends StubbedKieTest {

    private static final String ACCEPTED = "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"%s\"}}";

    @Autowired
    DataSource dataSource;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger generation = (Logger) LoggerFactory.getLogger("dev.renderbank.generation");
    private final ExecutorService submitter = Executors.newSingleThreadExecutor();

    @BeforeEach
    void captureLogs() {
        lines.start();
        generation.addAppender(lines);
    }

    @AfterEach
    void stop() {
        generation.detachAppender(lines);
        submitter.shutdownNow();
    }

    @Test
    void anAcceptedTaskWhoseMarkFailsIsRecordedOnceTheDatabaseAnswersAndChargedOnce() throws Exception {
        String prompt = "mark write fails " + System.nanoTime();
        String task = "kie-unrecorded-" + System.nanoTime();
        createTaskAnswers(prompt, 200, ACCEPTED.formatted(task));
        TestUser u = users.create(100);
        String id = accept(u, prompt);

        Future<?> step;
        try (Connection holder = dataSource.getConnection()) {
            // the task's id taken by a transaction not yet committed: the mark's insert waits for it
            holder.setAutoCommit(false);
            try (PreparedStatement hold = holder.prepareStatement(
                    "insert into generation_provider_task (provider_task_id, job_id) values (?, 'held')")) {
                hold.setString(1, task);
                hold.executeUpdate();
            }
            long backend = LockWaits.backend(holder);
            step = submitter.submit(() -> driver.step(id));

            terminateWhatWaitsFor(backend, "the mark");
            // the submit thread does not wait for the write to land (whatever it made of the failure)
            await().atMost(Duration.ofSeconds(30)).until(step::isDone);
            terminateWhatWaitsFor(backend, "the mark, tried again");
            holder.rollback();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).state() == JobState.SUBMITTED);
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        assertThat(warnings())
                .as("the task's id logged with the job when its write first failed")
                .anyMatch(line -> line.contains(id) && line.contains(task));

        completes(task);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(createTaskCalls(prompt)).isEqualTo(1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
    }

    @Test
    void aRefusalWhoseClearFailsFreesTheJobOnceTheDatabaseAnswers() throws Exception {
        String prompt = "clear write fails " + System.nanoTime();
        String task = "kie-after-unstored-429-" + System.nanoTime();
        // within the 3 s read timeout: time enough to lock the job's row before the answer comes
        slowRefusalThenAccepted(prompt, Duration.ofSeconds(2), task);
        TestUser u = users.create(100);
        String id = accept(u, prompt);

        Future<?> step = submitter.submit(() -> driver.step(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> createTaskCalls(prompt) == 1);
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock =
                    holder.prepareStatement("select 1 from generation_job where id = ? for update")) {
                lock.setString(1, id);
                lock.executeQuery().close();
            }
            assertThat(job(id).submitStartedAt())
                    .as("the job's row locked before the refusal came")
                    .isNotNull();
            long backend = LockWaits.backend(holder);

            terminateWhatWaitsFor(backend, "the refusal's clear");
            await().atMost(Duration.ofSeconds(30)).until(step::isDone);
            terminateWhatWaitsFor(backend, "the refusal's clear, tried again");
            holder.rollback();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).submitStartedAt() == null);
        assertThat(job(id).state()).isEqualTo(JobState.RESERVED);
        assertThat(warnings())
                .as("the refusal logged with the job when its write first failed")
                .anyMatch(line -> line.contains(id) && line.contains("429"));

        driver.step(id); // the task, at its retry
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        assertThat(createTaskCalls(prompt)).isEqualTo(2);
    }

    @Test
    void aRefusalWhoseNoteOnTheProviderStatusFailsStillFreesTheJob() throws Exception {
        String prompt = "refusal note fails " + System.nanoTime();
        String task = "kie-after-unnoted-429-" + System.nanoTime();
        slowRefusalThenAccepted(prompt, Duration.ZERO, task);
        TestUser u = users.create(100);
        String id = accept(u, prompt);

        Future<?> step;
        try (Connection holder = dataSource.getConnection()) {
            // the provider status row held: the 429's note there (what the status page shows) waits
            holder.setAutoCommit(false);
            try (PreparedStatement lock =
                    holder.prepareStatement("select 1 from provider_status where id = 1 for update")) {
                lock.executeQuery().close();
            }
            long backend = LockWaits.backend(holder);
            step = submitter.submit(() -> driver.step(id));
            terminateWhatWaitsFor(backend, "the 429's note");
            await().atMost(Duration.ofSeconds(30)).until(step::isDone);
            holder.rollback();
        }

        // the note is for people; the job's answer (no task was created) is what must not be lost
        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).submitStartedAt() == null);
        assertThat(job(id).state()).isEqualTo(JobState.RESERVED);
        driver.step(id); // the task, at its retry
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        assertThat(createTaskCalls(prompt)).isEqualTo(2);
    }

    @Test
    void aRejectionWhoseFailFailsIsFailedAndReleasedOnceTheDatabaseAnswers() throws Exception {
        String prompt = "rejection write fails " + System.nanoTime();
        // a refusal of the user's input (no task exists), late enough to lock the job's row before it
        KIE.stubFor(post(CREATE)
                .withRequestBody(containing(prompt))
                .willReturn(okJson("{\"code\":422,\"msg\":\"prompt refused\"}").withFixedDelay(2000)));
        TestUser u = users.create(100);
        String id = accept(u, prompt);
        assertThat(ledger.balance(u.id()).held()).isEqualTo(5);

        Future<?> step = submitter.submit(() -> driver.step(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> createTaskCalls(prompt) == 1);
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock =
                    holder.prepareStatement("select 1 from generation_job where id = ? for update")) {
                lock.setString(1, id);
                lock.executeQuery().close();
            }
            long backend = LockWaits.backend(holder);
            terminateWhatWaitsFor(backend, "the rejection's fail");
            await().atMost(Duration.ofSeconds(30)).until(step::isDone);
            terminateWhatWaitsFor(backend, "the rejection's fail, tried again");
            holder.rollback();
        }

        // failed and released now, not held as a maybe-sent task until the job's deadline
        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).state() == JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_validation");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(warnings())
                .as("the rejection logged with the job when its write first failed")
                .anyMatch(line -> line.contains(id) && line.contains("422"));
        assertThat(createTaskCalls(prompt)).isEqualTo(1);
    }

    /**
     * Waits until a session waits for a lock the test's {@code backend} holds, then terminates it (a
     * failover, as far as that session can tell) and waits until it is gone.
     */
    private void terminateWhatWaitsFor(long backend, String what) {
        await(what + " waiting for the held lock")
                .atMost(Duration.ofSeconds(20))
                .until(() -> LockWaits.blockedBy(jdbc, backend));
        List<Integer> waiting = jdbc.sql("""
                        select pid from pg_stat_activity
                         where datname = current_database() and :backend = any(pg_blocking_pids(pid))""")
                .param("backend", (int) backend)
                .query(Integer.class)
                .list();
        waiting.forEach(pid -> jdbc.sql("select pg_terminate_backend(:pid)")
                .param("pid", pid)
                .query(Boolean.class)
                .single());
        await(what + " terminated")
                .atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("select count(*) from pg_stat_activity where pid in (:pids)")
                                .param("pids", waiting)
                                .query(Long.class)
                                .single()
                        == 0);
    }

    private List<String> warnings() {
        synchronized (lines) {
            return lines.list.stream()
                    .filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    /** The provider's record of {@code task}: done, with a result file. */
    private static void completes(String task) {
        String path = "/files/" + task + ".png";
        KIE.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(new byte[] {1, 2, 3})));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + path + "\\\"]}";
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo(task))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\","
                        + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));
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
                        .withBody("{\"code\":429,\"msg\":\"rate limited\"}")
                        .withFixedDelay((int) delay.toMillis()))
                .willSetStateTo("taking work"));
        KIE.stubFor(post(CREATE)
                .withRequestBody(containing(prompt))
                .inScenario(scenario)
                .whenScenarioStateIs("taking work")
                .willReturn(okJson(ACCEPTED.formatted(task))));
    }
}
