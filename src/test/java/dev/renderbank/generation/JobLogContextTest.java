package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.generation.internal.JobDriver;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every log line about a job carries its job id and user id in the logging context (MDC), which
 * structured JSON logs turn into fields: the submit line of the scheduler step and the finish line.
 */
class JobLogContextTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final List<Logger> loggers = List.of(
            (Logger) LoggerFactory.getLogger(JobDriver.class), (Logger) LoggerFactory.getLogger(JobFinisher.class));

    @BeforeEach
    void capture() {
        lines.start();
        loggers.forEach(l -> l.addAppender(lines));
    }

    @AfterEach
    void release() {
        loggers.forEach(l -> l.detachAppender(lines));
        lines.stop();
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
}
