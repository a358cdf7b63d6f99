package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.support.DatabaseSwitch;
import dev.renderbank.support.TestUsers.TestUser;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

    @AfterEach
    void databaseBack() {
        DatabaseSwitch.up();
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
            await().atMost(Duration.ofSeconds(10)).until(() -> refused.get() > 0);
            DatabaseSwitch.up();

            // heartbeats come again (200 ms apart here); each read waits at most 5 s
            assertThat(s.readUntil(line -> line.startsWith(":"))).isNotNull();
            assertThat(s.readUntil(line -> line.startsWith(":"))).isNotNull();
        } finally {
            s.close();
        }
    }
}
