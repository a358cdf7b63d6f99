package dev.renderbank.ops;

import static dev.renderbank.ops.AdminSupport.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Switches refuse new work with the operator's message and Retry-After, hold nothing, spare running jobs. */
class AdminSwitchesTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();
    static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    AdminSupport admins;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void allOn() {
        for (String name : new String[] {"generation", "sales", "model:nano-banana"}) {
            put(IntegrationTest.ADMIN_TOKEN, name, "{\"paused\":false}");
        }
    }

    private HttpResponse<String> put(String token, String name, String json) {
        return call(port, "PUT", "/api/v1/admin/switches/" + name, token, json, null);
    }

    private long jobsOf(long userId) {
        return jdbc.sql("select count(*) from generation_job where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .single();
    }

    /**
     * The message is what refused users read and the reason the audit records: it passes the operator
     * reason rule (no control characters but line breaks and tabs), refused as a 400 on the field,
     * nothing set or recorded.
     */
    @Test
    void aMessageWithControlCharactersIsRefusedOnTheField() {
        var admin = admins.newAdmin();
        HttpResponse<String> r = put(admin.token(), "sales", "{\"paused\":true,\"message\":\"Back soon\\u001b[5m\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("message");
        assertThat(problem.get("errors").get(0).get("message").asString()).contains("control characters");
        assertThat(jdbc.sql("select count(*) from operator_action where action = 'switch' and target = 'switch:sales'"
                                + " and actor = :a")
                        .param("a", admin.email())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void pausedGenerationRefusesWithTheMessageHoldsNothingAndSparesRunningJobs() {
        var admin = admins.newAdmin();
        var running = testUsers.create(100);
        Api api = new Api(port);
        String taskId = api.post("/api/v1/generate-image", running.token(), IMAGE)
                .json()
                .get("taskId")
                .asString();

        HttpResponse<String> paused = put(
                admin.token(),
                "generation",
                "{\"paused\":true,\"message\":\"Maintenance until 10:00 UTC\",\"retryAfterSeconds\":120}");
        assertThat(paused.statusCode()).isEqualTo(200);

        var u = testUsers.create(100);
        Api.Response refused = api.post("/api/v1/generate-image", u.token(), IMAGE);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Content-Type")).contains("application/problem+json");
        assertThat(refused.json().get("detail").asString()).isEqualTo("Maintenance until 10:00 UTC");
        assertThat(refused.header("Retry-After")).isEqualTo("120");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(jobsOf(u.id())).isZero();

        JsonNode done = api.awaitTerminal(taskId, running.token());
        assertThat(done.get("status").asString()).as("a running job continues").isEqualTo("completed");

        JsonNode list = JSON.readTree(call(port, "GET", "/api/v1/admin/switches", admin.token(), null, null)
                .body());
        assertThat(list.get("items")
                        .valueStream()
                        .filter(s -> s.get("name").asString().equals("generation")))
                .singleElement()
                .satisfies(s -> assertThat(s.get("paused").asBoolean()).isTrue());

        assertThat(put(admin.token(), "generation", "{\"paused\":false}").statusCode())
                .isEqualTo(200);
        assertThat(api.post("/api/v1/generate-image", u.token(), IMAGE).status())
                .isEqualTo(202);
        JsonNode audit = JSON.readTree(call(
                        port,
                        "GET",
                        "/api/v1/admin/audit?target=switch:generation&actor=" + admin.email(),
                        admin.token(),
                        null,
                        null)
                .body());
        assertThat(audit.get("items")).hasSize(2);
    }

    /**
     * SPEC's order of refusals holds during a pause too: bad input is 400/422 first (what to fix is
     * told at once, not after the pause), then the pause's 503; neither holds or stores anything.
     */
    @Test
    void aPauseRefusesAfterBadInputAsSpecOrdersRefusals() {
        var admin = admins.newAdmin();
        assertThat(put(admin.token(), "generation", "{\"paused\":true,\"message\":\"Maintenance\"}")
                        .statusCode())
                .isEqualTo(200);
        try {
            var u = testUsers.create(100);
            Api api = new Api(port);
            Api.Response noPrompt =
                    api.post("/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"\"}");
            assertThat(noPrompt.status()).isEqualTo(400);
            assertThat(noPrompt.body()).contains("prompt");
            Api.Response noModel =
                    api.post("/api/v1/generate-image", u.token(), "{\"model\":\"no-such-model\",\"prompt\":\"a cat\"}");
            assertThat(noModel.status()).isEqualTo(422);
            assertThat(api.post("/api/v1/generate-image", u.token(), IMAGE).status())
                    .as("a valid request gets the pause")
                    .isEqualTo(503);
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
            assertThat(jobsOf(u.id())).isZero();
        } finally {
            put(admin.token(), "generation", "{\"paused\":false}");
        }
    }

    @Test
    void aPausedModelRefusesOnlyThatModelWithTheDefaultRetryAfter() {
        var admin = admins.newAdmin();
        assertThat(put(admin.token(), "model:nano-banana", "{\"paused\":true,\"message\":\"nano-banana is down\"}")
                        .statusCode())
                .isEqualTo(200);
        var u = testUsers.create(100);
        Api.Response refused = new Api(port).post("/api/v1/generate-image", u.token(), IMAGE);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("300");
        assertThat(refused.json().get("detail").asString()).isEqualTo("nano-banana is down");
        assertThat(ledger.balance(u.id()).held()).isZero();
    }

    @Test
    void pausedSalesRefuseCheckoutAndStoreNothing() {
        var admin = admins.newAdmin();
        put(
                admin.token(),
                "sales",
                "{\"paused\":true,\"message\":\"Sales resume tomorrow\",\"retryAfterSeconds\":3600}");
        var u = testUsers.create(0);
        Api.Response refused = new Api(port)
                .post(
                        "/api/v1/checkout",
                        u.token(),
                        "{\"product\":\"pack-200\"}",
                        java.util.Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("3600");
        assertThat(refused.json().get("detail").asString()).isEqualTo("Sales resume tomorrow");
        assertThat(jdbc.sql("select count(*) from billing_checkout where user_id = :u")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    /**
     * SPEC: a repeat of an accepted request (same Idempotency-Key) returns the original answer, during
     * a pause too: a client that lost its 202 and retries must learn its job runs (it holds credits),
     * and one that lost its checkout link gets the link back. A new request is still refused. Before,
     * the pause answered 503 to the repeats as well.
     */
    @Test
    void aRepeatOfARequestAcceptedBeforeAPauseGetsItsFirstAnswer() {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        Api api = new Api(port);
        Map<String, String> jobKey = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        Api.Response first = api.post("/api/v1/generate-image", u.token(), IMAGE, jobKey);
        assertThat(first.status()).isEqualTo(202);
        Map<String, String> checkoutKey =
                Map.of("Idempotency-Key", UUID.randomUUID().toString());
        Api.Response firstCheckout = api.post("/api/v1/checkout", u.token(), "{\"product\":\"pack-200\"}", checkoutKey);
        assertThat(firstCheckout.status()).isBetween(200, 201);

        assertThat(put(admin.token(), "generation", "{\"paused\":true,\"message\":\"Maintenance\"}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(put(admin.token(), "sales", "{\"paused\":true,\"message\":\"Sales resume tomorrow\"}")
                        .statusCode())
                .isEqualTo(200);

        Api.Response repeat = api.post("/api/v1/generate-image", u.token(), IMAGE, jobKey);
        assertThat(repeat.status()).as(repeat.body()).isEqualTo(202);
        assertThat(repeat.json().get("taskId").asString())
                .isEqualTo(first.json().get("taskId").asString());
        Api.Response fresh = api.post(
                "/api/v1/generate-image",
                u.token(),
                IMAGE,
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(fresh.status()).as("a new request is refused").isEqualTo(503);
        assertThat(jobsOf(u.id())).as("one job, the first request's").isEqualTo(1);

        Api.Response repeatCheckout =
                api.post("/api/v1/checkout", u.token(), "{\"product\":\"pack-200\"}", checkoutKey);
        assertThat(repeatCheckout.status()).as(repeatCheckout.body()).isEqualTo(firstCheckout.status());
        assertThat(repeatCheckout.json().get("checkoutId").asString())
                .isEqualTo(firstCheckout.json().get("checkoutId").asString());
        assertThat(repeatCheckout.json().get("url").asString())
                .isEqualTo(firstCheckout.json().get("url").asString());
        assertThat(api.post(
                                "/api/v1/checkout",
                                u.token(),
                                "{\"product\":\"pack-200\"}",
                                Map.of("Idempotency-Key", UUID.randomUUID().toString()))
                        .status())
                .as("a new checkout is refused")
                .isEqualTo(503);
    }

    /**
     * An operator's pause and resume sent with one Idempotency-Key: the resume was answered as a
     * repeat of the pause ("already done", 200) and did nothing, so generation stayed paused while
     * the runbook reported success. A key used for one setting of a switch is refused for another,
     * as an API request whose key was used for another body is; the same setting again is a repeat.
     */
    @Test
    void aPausesKeySentAgainToResumeIsRefusedAndTheSwitchIsNotLeftAsItWas() throws Exception {
        var admin = admins.newAdmin();
        String key = "maint-" + UUID.randomUUID();
        String path = "/api/v1/admin/switches/generation";
        var paused = call(port, "PUT", path, admin.token(), "{\"paused\":true,\"message\":\"Maintenance\"}", key);
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        var repeat = call(port, "PUT", path, admin.token(), "{\"paused\":true,\"message\":\"Maintenance\"}", key);
        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(200);
        assertThat(repeat.body()).contains("\"repeated\":true");

        for (String other : new String[] {"{\"paused\":false}", "{\"paused\":true,\"message\":\"Back at noon\"}"}) {
            var reused = call(port, "PUT", path, admin.token(), other, key);
            assertThat(reused.statusCode()).as(other + ": " + reused.body()).isEqualTo(422);
            assertThat(reused.body()).contains("key-reused").contains("\"field\":\"Idempotency-Key\"");
        }
        var resumed = call(port, "PUT", path, admin.token(), "{\"paused\":false}", "resume-" + UUID.randomUUID());
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        var switches = call(port, "GET", "/api/v1/admin/switches", admin.token(), null, null);
        assertThat(switches.statusCode()).as(switches.body()).isEqualTo(200);
        assertThat(switches.body()).contains("generation").doesNotContain("Maintenance");
    }

    @Test
    void badSwitchesAreRefused() {
        var admin = admins.newAdmin();
        assertThat(put(admin.token(), "everything", "{\"paused\":true}").statusCode())
                .isEqualTo(400);
        assertThat(put(admin.token(), "model:no-such-model", "{\"paused\":true}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(put(admin.token(), "generation", "{\"message\":\"x\"}").statusCode())
                .isEqualTo(400);
        assertThat(put(admin.token(), "generation", "{\"paused\":true,\"retryAfterSeconds\":0}")
                        .statusCode())
                .isEqualTo(400);
    }
}
