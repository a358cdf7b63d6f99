package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.JobState;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.internal.ProviderTestSupport;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.provider.simulator.SimulatorFaults;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code jobs stuck} lists the stuck jobs of /admin/jobs and {@code GET /api/v1/admin/jobs/stuck}
 * ({@link JobActions#stuck}): UNKNOWN ones whatever their age, overdue ones and quiet ones, with the
 * configured thresholds. (It listed only live jobs older than a hard-coded 30 min, so the job an
 * operator most needs to see, one whose submit answer was lost, was missing until it was old.)
 */
class StuckJobsCommandTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    OpsCommands commands;

    @Autowired
    TestUsers testUsers;

    @Autowired
    KieSimulator simulator;

    @Autowired
    ProviderGateway gateway;

    @Autowired
    OperatorJobs operatorJobs;

    @Autowired
    JobActions jobActions;

    @Test
    void aYoungUnknownJobIsStuckOnTheCommandLineAsOnTheAdminPages() {
        var u = testUsers.create(100);
        String taskId;
        // createTask answers 500: the task may exist, so the job is UNKNOWN (never sent again)
        simulator.setFaults(new SimulatorFaults(1, 0, Duration.ofSeconds(40), 0, 0, Duration.ZERO, 0));
        try {
            taskId = new Api(port)
                    .post("/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"lost answer\"}")
                    .json()
                    .get("taskId")
                    .asString();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> operatorJobs.find(taskId).orElseThrow().state() == JobState.UNKNOWN);
        } finally {
            simulator.reset();
            ProviderTestSupport.resetBreaker(gateway);
        }
        try {
            assertThat(jobActions.stuck(null))
                    .as("the admin pages' list")
                    .anyMatch(s -> s.job().id().equals(taskId) && s.why().equals("unknown"));

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int code = commands.execute(
                    new String[] {"jobs", "stuck"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String out = bytes.toString(StandardCharsets.UTF_8);

            assertThat(code).as(out).isEqualTo(OpsCommands.FINDING);
            assertThat(out).contains(taskId + " unknown user " + u.id() + " ").contains("state UNKNOWN");
        } finally {
            jobActions.fail("tester", taskId, "test over", "stuck-command-" + taskId);
        }
    }
}
