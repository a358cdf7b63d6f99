package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.support.Api;
import dev.renderbank.support.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The application as an operator runs it, in its own JVM on its embedded database, is killed with
 * SIGKILL after the business change committed its email to the outbox and before the email left
 * (SMTP unreachable, so the row stays pending). Started again on the same data directory with SMTP
 * up, it sends that email exactly once. {@link MailRestartTest} covers a polite stop; this one
 * covers the crash, where nothing gets to run on the way down.
 */
class MailCrashRestartTest {

    private static final String DEMO = "mail-crash-demo-token-0123456789";
    private static final String ADMIN = "mail-crash-admin-token-012345678";
    private static final String DEMO_EMAIL = "demo@renderbank.local";

    private final Inbox inbox = new Inbox();
    private final List<ChildJvm> started = new ArrayList<>();

    /** Kept when the test fails: the children's logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dataDir;

    @AfterEach
    void stopWhatWeStarted() throws Exception {
        for (ChildJvm jvm : started) {
            jvm.stop();
        }
        inbox.stop();
    }

    @Test
    void killedAfterTheCommitBeforeTheSendTheEmailIsSentOnceAfterTheRestart() throws Exception {
        int port = ChildJvm.freePort();
        String[] args = {
            "--server.port=" + port,
            "--renderbank.data-dir=" + dataDir,
            "--renderbank.public-url=http://localhost:" + port,
            "--renderbank.demo.api-token=" + DEMO,
            "--renderbank.demo.admin-token=" + ADMIN,
            // the inbox's port, with nothing listening on it until the restart
            "--spring.mail.host=127.0.0.1",
            "--spring.mail.port=" + inbox.port,
            "--spring.mail.properties.mail.smtp.connectiontimeout=1000",
            "--renderbank.mail.send-interval=200ms",
            "--renderbank.mail.first-retry=500ms",
            "--renderbank.mail.max-retry=1s",
            // killed mid-attempt, the row is leased to the dead sender: its successor takes it after this
            "--renderbank.mail.lease=3s",
            "--db-scheduler.polling-interval=200ms",
            // killed while its sender task was picked, that task stays with the dead node until
            // db-scheduler declares it dead (6 missed heartbeats: 2 minutes at the default 20 s);
            // a 1 s heartbeat brings that within the wait below
            "--db-scheduler.heartbeat-interval=1s"
        };
        Api api = new Api(port);

        ChildJvm first = service(dataDir.resolve("first.log"), args);
        first.awaitUp(api, Duration.ofSeconds(180));
        long demoId = api.get("/api/v1/admin/users?email=" + DEMO_EMAIL, ADMIN)
                .json()
                .get("id")
                .asLong();
        Api.Response granted = api.post(
                "/api/v1/admin/users/" + demoId + "/grants",
                ADMIN,
                "{\"amount\":40,\"reason\":\"the render farm lost your job\",\"notify\":true}",
                Map.of("Idempotency-Key", "mail-crash-grant"));
        assertThat(granted.status()).as(granted.body()).isEqualTo(201);
        // committed and tried: in the outbox, pending, not sent
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> compensationMail(api)
                        .filter(m -> m.path("attempts").asInt() >= 1)
                        .isPresent());
        assertThat(compensationMail(api).orElseThrow().path("status").asString())
                .isEqualTo("pending");
        long postmaster = postmasterPid();

        first.process().destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !ProcessHandle.of(postmaster)
                        .map(ProcessHandle::isAlive)
                        .orElse(false));
        assertThat(inbox.to(DEMO_EMAIL)).isEmpty();

        inbox.start();
        ChildJvm again = service(dataDir.resolve("again.log"), args);
        again.awaitUp(api, Duration.ofSeconds(180));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> compensationMail(api)
                        .filter(m -> m.path("status").asString().equals("sent"))
                        .isPresent());
        assertThat(inbox.to(DEMO_EMAIL))
                .as("sent once after the restart")
                .singleElement()
                .satisfies(m -> assertThat(m.text()).contains("40", "the render farm lost your job"));
        assertThat(api.get("/api/v1/credits", DEMO).json().path("balance").asLong())
                .as("the grant itself committed once")
                .isEqualTo(1040);
    }

    /** The compensation email in the outbox (admin API), if it is there yet. */
    private static Optional<JsonNode> compensationMail(Api api) {
        try {
            for (JsonNode m :
                    api.get("/api/v1/admin/mail?limit=200", ADMIN).json().path("items")) {
                if (m.path("template").asString().equals("compensation")
                        && m.path("to").asString().equalsIgnoreCase(DEMO_EMAIL)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        } catch (IllegalStateException down) {
            return Optional.empty();
        }
    }

    private ChildJvm service(Path log, String... args) {
        ChildJvm jvm = ChildJvm.start(log, false, RenderbankApplication.class.getName(), args);
        started.add(jvm);
        return jvm;
    }

    private long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"))
                .get(0)
                .strip());
    }
}
