package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.JobDriver;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.generation.internal.ProviderCallbackHandling;
import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every log line about a job carries its job id and user id in the logging context (MDC), which
 * structured JSON logs turn into fields: the submit line of the scheduler step and the finish line.
 */
class JobLogContextTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    JobStore jobs;

    @Autowired
    JobTransitions transitions;

    @Autowired
    Sweeper sweeper;

    @Autowired
    JdbcClient jdbc;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final List<Logger> loggers = List.of(
            (Logger) LoggerFactory.getLogger(JobDriver.class),
            (Logger) LoggerFactory.getLogger(JobFinisher.class),
            (Logger) LoggerFactory.getLogger(Sweeper.class),
            (Logger) LoggerFactory.getLogger(ProviderCallbackHandling.class));

    @BeforeEach
    void capture() {
        lines.start();
        loggers.forEach(l -> l.addAppender(lines));
    }

    @AfterEach
    void release() {
        loggers.forEach(l -> l.detachAppender(lines));
        lines.stop();
        jdbc.sql("delete from generation_provider_task where job_id like 'log-%'")
                .update();
        jdbc.sql("delete from scheduled_tasks where task_instance like 'log-%'").update();
        jdbc.sql("delete from generation_job where id like 'log-%'").update();
    }

    private List<ILoggingEvent> linesNaming(String jobId, Level level) {
        synchronized (lines.list) {
            return lines.list.stream()
                    .filter(e ->
                            e.getLevel() == level && e.getFormattedMessage().contains(jobId))
                    .toList();
        }
    }

    private Map<String, String> contextOf(String messageStart) {
        synchronized (lines.list) {
            return lines.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith(messageStart))
                    .findFirst()
                    .map(ILoggingEvent::getMDCPropertyMap)
                    .orElse(null);
        }
    }

    @Test
    void theSubmitAndFinishLinesOfAJobNameTheJobAndItsUser() {
        var u = users.create(100);
        Api api = new Api(port);
        var r = api.post(
                "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a quiet harbour\"}");
        assertThat(r.status()).isEqualTo(202);
        String jobId = r.json().get("taskId").asString();
        api.awaitTerminal(jobId, u.token());

        Map<String, String> expected = Map.of("jobId", jobId, "userId", Long.toString(u.id()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(contextOf("job " + jobId + " submitted")).containsAllEntriesOf(expected);
            assertThat(contextOf("job " + jobId + " succeeded")).containsAllEntriesOf(expected);
        });
    }

    /** The sweeper's error about a job it cannot fail is logged after the failure: still in the job's context. */
    @Test
    void theSweepersErrorAboutAJobItCannotFailNamesTheJobAndItsUser() {
        var u = users.create(100);
        String id = "log-" + UUID.randomUUID();
        Instant now = clock.instant();
        // no hold: failing it throws
        FinisherTestSupport.insertWithoutHold(jobs, id, u.id(), now.minusSeconds(7200), now.minusSeconds(60));

        sweeper.sweep();

        assertThat(linesNaming(id, Level.ERROR))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap())
                        .containsEntry("jobId", id)
                        .containsEntry("userId", Long.toString(u.id())));
    }

    /** A callback naming another job's task is refused, and the line saying so names the job called back. */
    @Test
    void theRefusalOfACallbackNamingAnotherJobsTaskNamesTheJobAndItsUser() {
        var u = users.create(100);
        Instant now = clock.instant();
        String other = "log-" + UUID.randomUUID();
        FinisherTestSupport.insertWithoutHold(jobs, other, u.id(), now, now.plusSeconds(3600));
        String task = "t-" + other;
        FinisherTestSupport.submitted(transitions, other, task, now);
        String id = "log-" + UUID.randomUUID();
        FinisherTestSupport.insertWithoutHold(jobs, id, u.id(), now, now.plusSeconds(3600));

        var r = new Api(port)
                .post(
                        "/api/provider/kie/callback/" + id + "?token=token",
                        null,
                        KieRecords.record(task, "\"state\":\"success\""));

        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(linesNaming(id, Level.WARN))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap())
                        .containsEntry("jobId", id)
                        .containsEntry("userId", Long.toString(u.id())));
    }
}
