package dev.renderbank.ops;

import static dev.renderbank.ops.AdminSupport.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.JobState;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Stuck jobs: listed, checked at the provider and settled normally, or failed and released; audited. */
class AdminJobsTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();

    /** An operator's reason that is not for the customer's eyes. */
    static final String REASON = "suspected card fraud, ticket 991";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    AdminSupport admins;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Autowired
    OperatorJobs operatorJobs;

    @AfterEach
    void restoreSimulator() {
        simulator.reset();
    }

    private String jobAtProvider(TestUsers.TestUser u, Duration runs) {
        return admins.jobAtProvider(port, u.token(), runs);
    }

    @Test
    void failAndReleaseGoesThroughTheNormalPathOnceAndIsAudited() {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        String taskId = jobAtProvider(u, Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(2));
        JsonNode stuck =
                JSON.readTree(call(port, "GET", "/api/v1/admin/jobs/stuck?olderThan=1m", admin.token(), null, null)
                        .body());
        assertThat(stuck.get("items").valueStream().map(j -> j.get("taskId").asString()))
                .contains(taskId);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));

        String path = "/api/v1/admin/jobs/" + taskId + "/fail";
        assertThat(call(port, "POST", path, admin.token(), "{}", null).statusCode())
                .as("reason required")
                .isEqualTo(400);
        String key = UUID.randomUUID().toString();
        HttpResponse<String> failed = call(port, "POST", path, admin.token(), "{\"reason\":\"" + REASON + "\"}", key);
        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(failed.body()).get("after").asString()).contains("FAILED");
        assertThat(JSON.readTree(call(port, "POST", path, admin.token(), "{\"reason\":\"" + REASON + "\"}", key)
                                .body())
                        .get("repeated")
                        .asBoolean())
                .isTrue();
        assertThat(call(port, "POST", path, admin.token(), "{\"reason\":\"again\"}", null)
                        .statusCode())
                .as("a finished job cannot be failed")
                .isEqualTo(422);

        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        var job = operatorJobs.find(taskId).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.errorCode()).isEqualTo("operator_failed");
        JsonNode audit =
                JSON.readTree(call(port, "GET", "/api/v1/admin/audit?target=job:" + taskId, admin.token(), null, null)
                        .body());
        assertThat(audit.get("items")).hasSize(1);
        assertThat(audit.get("items").get(0).get("reason").asString())
                .as("the operator's reason is kept in the audit record")
                .isEqualTo(REASON);
        // The owner is told an operator stopped the job, never why: the reason is operators' business
        // (the same message goes to the failure email and the generation.failed webhook).
        assertThat(job.errorMessage()).isEqualTo("Stopped by an operator; your credits were released.");
        JsonNode seen = JSON.readTree(call(port, "GET", "/api/v1/generations/" + taskId, u.token(), null, null)
                .body());
        assertThat(seen.get("error").get("code").asString()).isEqualTo("operator_failed");
        assertThat(seen.get("error").get("message").asString())
                .doesNotContain("card fraud")
                .doesNotContain("991")
                .isEqualTo("Stopped by an operator; your credits were released.");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void checkAtProviderSettlesAFinishedTaskThroughTheNormalPath() {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        String taskId = jobAtProvider(u, Duration.ofMinutes(3));
        clock.advance(Duration.ofMinutes(4)); // done at the provider; nobody has asked yet

        HttpResponse<String> checked =
                call(port, "POST", "/api/v1/admin/jobs/" + taskId + "/check", admin.token(), null, null);
        assertThat(checked.statusCode()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> operatorJobs.find(taskId).orElseThrow().state() == JobState.SUCCEEDED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        JsonNode audit =
                JSON.readTree(call(port, "GET", "/api/v1/admin/audit?target=job:" + taskId, admin.token(), null, null)
                        .body());
        assertThat(audit.get("items").get(0).get("action").asString()).isEqualTo("job-check");
        assertThat(audit.get("items").get(0).get("actor").asString()).isEqualTo(admin.email());

        assertThat(call(port, "POST", "/api/v1/admin/jobs/no-such-job/check", admin.token(), null, null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
