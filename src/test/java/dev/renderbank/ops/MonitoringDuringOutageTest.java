package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.support.DatabaseSwitch;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * While PostgreSQL is unreachable a node's monitoring keeps working: {@code /actuator/prometheus}
 * answers within seconds with the JVM, HTTP and pool metrics and the last values read of the gauges
 * read from the database, and {@code /actuator/health} answers DOWN (503) within about the wait,
 * without a stack trace in the log per request. Each borrower here waits the 5 s production's pool
 * waits for a connection: a scrape of the ~20 database-backed gauges took ~100 s (Prometheus gave up
 * and marked the node down), and each health request held its thread 5 s and logged a stack trace.
 */
@Import(DatabaseSwitch.Config.class)
@TestPropertySource(properties = "renderbank.monitoring.database-wait=1s")
class MonitoringDuringOutageTest extends IntegrationTest {

    private static final String METRICS_TOKEN = "test-metrics-token-0123456789abcdef";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void listen() { // not in the constructor: the context's start resets the logging system
        lines.start();
        root.addAppender(lines);
    }

    @AfterEach
    void databaseBack() {
        DatabaseSwitch.up();
        root.detachAppender(lines);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = get("/actuator/prometheus", METRICS_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String value(String body, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
        assertThat(m.find()).as(series + " in the scrape").isTrue();
        return m.group(1);
    }

    @Test
    void aScrapeAnswersWithinSecondsWithTheLastValuesRead() throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !value(scrape(), "renderbank_credits_held").equals("NaN"));
        String held = value(scrape(), "renderbank_credits_held");

        DatabaseSwitch.downWaitingLikeProduction();
        for (int i = 0; i < 2; i++) {
            String body = assertTimeoutPreemptively(Duration.ofSeconds(4), this::scrape);
            assertThat(body)
                    .contains("jvm_memory_used_bytes")
                    .contains("hikaricp_connections")
                    .contains("http_server_requests_seconds")
                    .contains("renderbank_reconciliation_findings{kind=")
                    .contains("renderbank_mail_pending")
                    .contains("renderbank_provider_balance")
                    .contains("renderbank_provider_available")
                    .contains("renderbank_gauges_age_seconds{source=\"holds\"}");
            assertThat(value(body, "renderbank_credits_held")).isEqualTo(held);
        }
        // the reads that failed meanwhile are logged once, without a stack trace
        await().atMost(Duration.ofSeconds(15)).until(() -> !readFailures().isEmpty());
        assertThat(readFailures()).hasSize(1);
        assertThat(readFailures().get(0).getThrowableProxy()).isNull();
    }

    private List<ILoggingEvent> readFailures() {
        return List.copyOf(lines.list).stream()
                .filter(e -> e.getLoggerName().equals("dev.renderbank.platform.DatabaseReadings"))
                .toList();
    }

    @Test
    void healthAnswersDownQuicklyAndQuietly() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);

        DatabaseSwitch.downWaitingLikeProduction();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r =
                    assertTimeoutPreemptively(Duration.ofMillis(2500), () -> get("/actuator/health", null));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("\"status\":\"DOWN\"");
        }
        List<ILoggingEvent> health = List.copyOf(lines.list).stream()
                .filter(e -> e.getLoggerName().startsWith("org.springframework.boot")
                        || e.getLoggerName().startsWith("dev.renderbank.platform"))
                .toList();
        assertThat(health)
                .allSatisfy(e -> assertThat(e.getThrowableProxy())
                        .as(e.getLoggerName() + ": " + e.getFormattedMessage())
                        .isNull());
        assertThat(health.stream().filter(e -> e.getLoggerName().endsWith(".DatabaseHealth")))
                .hasSizeLessThanOrEqualTo(1);

        DatabaseSwitch.up();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> get("/actuator/health", null).statusCode() == 200);
    }
}
