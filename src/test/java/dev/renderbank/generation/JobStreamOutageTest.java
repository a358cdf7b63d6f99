package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.support.DatabaseSwitch;
import dev.renderbank.support.TestUsers.TestUser;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Import;

/**
 * An event stream outlives a database outage: its heartbeat (and its re-read) run again once the
 * database is back. A failure inside one run of a timer used to end that timer silently (a
 * scheduled executor stops a task that throws): the stream then got no heartbeat, so a client that
 * went away was never noticed and its slot of the per-user cap stayed taken, and a signed-out
 * caller's stream was no longer ended.
 */
@Import(DatabaseSwitch.Config.class)
class JobStreamOutageTest extends StubbedKieTest {

    private final Logger streams = (Logger) LoggerFactory.getLogger("dev.renderbank.generation.web.JobStreams");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void listen() { // not in the constructor: the context's start resets the logging system
        lines.start();
        streams.addAppender(lines);
    }

    @AfterEach
    void databaseBack() {
        DatabaseSwitch.up();
        streams.detachAppender(lines);
    }

    @Test
    void aStreamKeepsItsHeartbeatAfterTheDatabaseWasAwayDuringOne() throws IOException {
        TestUser u = users.create(100);
        String id = accept(u, "stream through an outage");
        JobEventStreamsTest.Stream s =
                new JobEventStreamsTest.Stream(port, "/api/v1/generations/" + id + "/events", u.token());
        try {
            assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"queued\"");
            assertThat(s.readUntil(line -> line.startsWith(":"))).isNotNull();

            AtomicInteger refused = new AtomicInteger();
            // the heartbeat's check that the token is still valid reads the database
            DatabaseSwitch.downFor(f -> {
                boolean tokens = f.getClassName().endsWith(".TokenStore");
                if (tokens) {
                    refused.incrementAndGet();
                }
                return tokens;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> refused.get() >= 3);
            DatabaseSwitch.up();
            // each failed heartbeat (every 200 ms) wrote a WARN line: during an outage a line per open
            // stream per heartbeat and re-read; now one a minute for all of them
            assertThat(lines.list.stream()
                            .filter(e -> e.getFormattedMessage().startsWith("event stream of job "))
                            .count())
                    .isOne();

            // heartbeats come again (200 ms apart here); each read waits at most 5 s
            assertThat(s.readUntil(line -> line.startsWith(":"))).isNotNull();
            assertThat(s.readUntil(line -> line.startsWith(":"))).isNotNull();
        } finally {
            s.close();
        }
    }
}
