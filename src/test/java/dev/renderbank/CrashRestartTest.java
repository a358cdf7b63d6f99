package dev.renderbank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.support.Api;
import dev.renderbank.support.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The application as an operator runs it, in its own JVM on the default embedded database: killed
 * with SIGKILL mid-job, started again on the same data directory, the second start comes up on its
 * own and the job finishes and is charged exactly once (issue 9, item 19). While it runs, a second
 * service start refuses with one line and exit code 1, and the operator command line works against
 * the running server.
 */
class CrashRestartTest {

    private static final String TOKEN = "crash-test-demo-token-0123456789";
    private final List<ChildJvm> started = new ArrayList<>();

    /** Kept when the test fails: the children's logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dataDir;

    @AfterEach
    void stopWhatWeStarted() throws Exception {
        for (ChildJvm jvm : started) {
            jvm.stop();
        }
    }

    @Test
    void killedMidJobItRestartsOnItsOwnAndChargesTheJobOnce() throws Exception {
        int port = ChildJvm.freePort();
        String[] service = {
            "--server.port=" + port,
            "--renderbank.data-dir=" + dataDir,
            "--renderbank.demo.api-token=" + TOKEN,
            "--renderbank.simulator.image-duration=10s",
            "--renderbank.simulator.callback-interval=500ms",
            "--renderbank.jobs.first-poll=500ms",
            "--renderbank.jobs.max-poll=1s",
            "--db-scheduler.polling-interval=500ms"
        };
        Api api = new Api(port);

        ChildJvm first = service(dataDir.resolve("first.log"), service);
        first.awaitUp(api, Duration.ofSeconds(180)); // a limit: two test JVMs share the 2 cores

        // both at once: the second service start must refuse, the command line must use the running server
        ChildJvm second = service(dataDir.resolve("second.log"), service);
        ChildJvm cli = ChildJvm.start(
                dataDir.resolve("cli.log"),
                false,
                RenderbankApplication.class.getName(),
                "credits",
                "show",
                "demo@renderbank.local",
                "--renderbank.data-dir=" + dataDir);
        started.add(cli);
        assertThat(second.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process().exitValue()).as(second.tail()).isEqualTo(1);
        assertThat(second.output().strip())
                .as("one clear line, no stack trace")
                .doesNotContain("\tat ", "Exception", "APPLICATION FAILED")
                .contains("already running", dataDir.toString())
                .hasLineCount(1);
        assertThat(cli.process().waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.process().exitValue()).as(cli.tail()).isZero();
        assertThat(cli.output()).contains("balance 1000, held 0");
        assertThat(first.process().isAlive()).isTrue();

        Api.Response accepted =
                api.post("/api/v1/generate-image", TOKEN, "{\"model\":\"nano-banana\",\"prompt\":\"a fox in snow\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String taskId = accepted.json().get("taskId").asString();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> status(api, taskId).equals("processing"));
        long postmaster = postmasterPid(dataDir);

        first.process().destroyForcibly().waitFor();
        assertThat(status(api, taskId)).isEqualTo("unreachable");
        // the watchdog stops the server that lost its owner
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> ProcessHandle.of(postmaster)
                        .map(ProcessHandle::isAlive)
                        .orElse(false)
                        .equals(false));

        ChildJvm again = service(dataDir.resolve("again.log"), service);
        again.awaitUp(api, Duration.ofSeconds(180));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> status(api, taskId).equals("completed"));

        JsonNode job = api.get("/api/v1/generations/" + taskId, TOKEN).json();
        assertThat(job.path("creditsCharged").asLong()).isEqualTo(5);
        JsonNode credits = api.get("/api/v1/credits", TOKEN).json();
        assertThat(credits.path("balance").asLong()).isEqualTo(995);
        assertThat(credits.path("held").asLong()).isZero();
        JsonNode history =
                api.get("/api/v1/credits/history?limit=100", TOKEN).json().path("items");
        long captures = 0;
        for (JsonNode entry : history) {
            if (entry.path("kind").asString().equals("CAPTURE")) {
                captures++;
            }
        }
        assertThat(captures).isEqualTo(1);

        again.process().destroy();
        assertThat(again.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")))
                .as("a clean stop stops the embedded server too")
                .isFalse();
    }

    private ChildJvm service(Path log, String... args) {
        ChildJvm jvm = ChildJvm.start(log, false, RenderbankApplication.class.getName(), args);
        started.add(jvm);
        return jvm;
    }

    private static String status(Api api, String taskId) {
        try {
            return api.get("/api/v1/generations/" + taskId, TOKEN)
                    .json()
                    .path("status")
                    .asString();
        } catch (IllegalStateException e) {
            return "unreachable";
        }
    }

    private static long postmasterPid(Path dataDir) throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"))
                .get(0)
                .trim());
    }
}
