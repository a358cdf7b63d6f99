package dev.renderbank.ops;

import static dev.renderbank.ops.AdminSupport.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operator looks a job up by its task id or by the provider's (what a user or the provider's
 * dashboard quotes), on the API and on its page, whatever state it is in: owner, prices, hold and
 * its entries, failure, late result. Looking is not an action: nothing is audited.
 */
class AdminJobLookupTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    AdminSupport admins;

    @Autowired
    KieSimulator simulator;

    @Autowired
    OperatorJobs operatorJobs;

    @AfterEach
    void restoreSimulator() {
        simulator.reset();
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private String providerTaskId(String taskId) {
        return jdbc.sql("select provider_task_id from generation_job where id = :id")
                .param("id", taskId)
                .query(String.class)
                .single();
    }

    private JsonNode get(String path, String token, int status) {
        HttpResponse<String> r = call(port, "GET", path, token, null, null);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    @Test
    void aJobIsFoundByEitherIdWithItsOwnerHoldEntriesAndFailure() {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        String taskId = admins.jobAtProvider(port, u.token(), Duration.ofMinutes(10));
        String providerTaskId = providerTaskId(taskId);
        assertThat(providerTaskId).isNotBlank();

        JsonNode running = get("/api/v1/admin/jobs/" + taskId, admin.token(), 200);
        assertThat(running.get("taskId").asString()).isEqualTo(taskId);
        assertThat(running.get("providerTaskId").asString()).isEqualTo(providerTaskId);
        assertThat(running.get("owner").get("id").asLong()).isEqualTo(u.id());
        assertThat(running.get("owner").get("email").asString()).isEqualTo(u.email());
        assertThat(running.get("price").asLong()).isEqualTo(5);
        assertThat(running.get("held").asLong()).isEqualTo(5);
        assertThat(running.get("hold").get("state").asString()).isEqualTo("OPEN");
        assertThat(running.get("entries").valueStream().map(e -> e.get("kind").asString()))
                .containsExactly("HOLD");
        assertThat(running.get("submittedAt").isNull()).isFalse();
        // the prompt is its owner's: operators help without it
        assertThat(running.toString()).doesNotContain("lighthouse").doesNotContain("\"prompt\"");

        JsonNode byProvider = get("/api/v1/admin/jobs/" + providerTaskId, admin.token(), 200);
        assertThat(byProvider.get("taskId").asString()).isEqualTo(taskId);

        assertThat(call(
                                port,
                                "POST",
                                "/api/v1/admin/jobs/" + taskId + "/fail",
                                admin.token(),
                                "{\"reason\":\"lost\"}",
                                UUID.randomUUID().toString())
                        .statusCode())
                .isEqualTo(200);
        JsonNode failed = get("/api/v1/admin/jobs/" + taskId, admin.token(), 200);
        assertThat(failed.get("state").asString()).isEqualTo("FAILED");
        assertThat(failed.get("held").asLong()).isZero();
        assertThat(failed.get("charged").asLong()).isZero();
        assertThat(failed.get("failure").get("code").asString()).isEqualTo("operator_failed");
        assertThat(failed.get("hold").get("state").asString()).isEqualTo("RELEASED");
        assertThat(failed.get("entries").valueStream().map(e -> e.get("kind").asString()))
                .containsExactly("HOLD", "RELEASE");
        assertThat(failed.get("completedAt").isNull()).isFalse();
        // failed by an operator while the provider works on it: its result is still asked for, free
        assertThat(failed.get("lateResult").get("status").asString()).isEqualTo("awaited");
        assertThat(failed.get("lateResult").get("until").isNull()).isFalse();
        assertThat(failed.get("actions").valueStream().map(a -> a.get("action").asString()))
                .containsExactly("job-fail");

        // reading is not an action: only the fail is in the audit
        JsonNode audit = get("/api/v1/admin/audit?target=job:" + taskId, admin.token(), 200);
        assertThat(audit.get("items")).hasSize(1);
    }

    @Autowired
    dev.renderbank.identity.AccountDeletion deletion;

    /** A job of an account its owner deleted shows the erased row, as the user dossier does. */
    @Test
    void aDeletedOwnersJobShowsTheErasedAccount() {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        String taskId = admins.jobAtProvider(port, u.token(), Duration.ofMinutes(10));
        deletion.delete(u.id(), PASSWORD);

        JsonNode job = get("/api/v1/admin/jobs/" + taskId, admin.token(), 200);
        assertThat(job.get("owner").get("id").asLong()).isEqualTo(u.id());
        assertThat(job.get("owner").get("deleted").asBoolean()).isTrue();
        assertThat(job.get("owner").get("email").asString()).isEqualTo("deleted-" + u.id() + "@deleted.invalid");
        assertThat(job.toString()).doesNotContain(u.email()).doesNotContain("lighthouse");
    }

    @Test
    void anUnknownOrImpossibleIdIsA404ProblemAndNonAdminsAreRefused() {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        for (String id : new String[] {"gen_doesnotexist", "0123456789abcdef", "a%20b", "%E2%80%AE", "x".repeat(300)}) {
            HttpResponse<String> r = call(port, "GET", "/api/v1/admin/jobs/" + id, admin.token(), null, null);
            assertThat(r.statusCode()).as(id + " -> " + r.body()).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(r.body()).contains("No job has this task id or provider task id");
        }
        assertThat(call(port, "GET", "/api/v1/admin/jobs/gen_x", u.token(), null, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(call(port, "GET", "/api/v1/admin/jobs/gen_x", null, null, null)
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void theJobsPageFindsAJobByEitherIdAndItsPageOffersTheRepairs() throws Exception {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        String taskId = admins.jobAtProvider(port, u.token(), Duration.ofMinutes(10));
        String providerTaskId = providerTaskId(taskId);
        BrowserSession browser = BrowserSession.signIn(port, admin.email(), PASSWORD);

        for (String id : new String[] {taskId, providerTaskId, " " + providerTaskId + " "}) {
            HttpResponse<String> search = browser.get("/admin/jobs?find=" + java.net.URLEncoder.encode(id, "UTF-8"));
            assertThat(search.statusCode()).as(id).isEqualTo(302);
            assertThat(search.headers().firstValue("Location").orElseThrow()).endsWith("/admin/jobs/" + taskId);
        }
        HttpResponse<String> byProvider = browser.get("/admin/jobs/" + providerTaskId);
        assertThat(byProvider.statusCode()).isEqualTo(302);
        assertThat(byProvider.headers().firstValue("Location").orElseThrow()).endsWith("/admin/jobs/" + taskId);

        HttpResponse<String> page = browser.get("/admin/jobs/" + taskId);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains(taskId, providerTaskId, u.email(), "id=\"check-form\"", "id=\"fail-form\"", "OPEN")
                .doesNotContain("lighthouse");

        HttpResponse<String> missing = browser.get("/admin/jobs?find=gen_nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("No job has this task id or provider task id");
        HttpResponse<String> missingPage = browser.get("/admin/jobs/gen_nothing");
        assertThat(missingPage.statusCode()).isEqualTo(404);
        assertThat(missingPage.body()).contains("No job has this task id or provider task id");

        // the stuck list links each job to its page
        clock.advance(Duration.ofMinutes(2));
        assertThat(browser.get("/admin/jobs?olderThan=1m").body()).contains("href=\"/admin/jobs/" + taskId + "\"");

        // non-admins are sent away like from every admin page
        BrowserSession user = BrowserSession.signIn(port, u.email(), PASSWORD);
        assertThat(user.get("/admin/jobs/" + taskId).statusCode()).isEqualTo(403);
    }
}
