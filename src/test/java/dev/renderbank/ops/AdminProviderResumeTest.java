package dev.renderbank.ops;

import static dev.renderbank.ops.AdminSupport.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.Availability.State;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.ProviderStatus;
import dev.renderbank.provider.SubmitRequest;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operator resumes a provider the out-of-credits state holds back (a top-up the balance endpoint
 * does not show yet, a wrong threshold): from the API, the dashboard and the command line, audited
 * with a reason; a later real refusal (402) trips it again.
 */
class AdminProviderResumeTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();
    static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}";
    static final String RESUME = "/api/v1/admin/provider/resume";

    @LocalServerPort
    int port;

    @Autowired
    AdminSupport admins;

    @Autowired
    TestUsers testUsers;

    @Autowired
    ProviderStatus status;

    @Autowired
    ProviderGateway gateway;

    @Autowired
    KieSimulator simulator;

    @Autowired
    OpsCommands commands;

    @AfterEach
    void available() {
        simulator.reset();
        status.clear("test end");
    }

    private void exhausted() {
        status.tripExhausted("KIE createTask answered 402: insufficient credits");
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);
    }

    @Test
    void anOperatorResumesAnExhaustedProviderAuditedAndARealRefusalTripsItAgain() {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        Api api = new Api(port);
        exhausted();
        assertThat(api.post("/api/v1/generate-image", u.token(), IMAGE).status())
                .isEqualTo(503);

        HttpResponse<String> noReason = call(port, "POST", RESUME, admin.token(), "{}", null);
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noReason.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("reason");
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);

        String key = "resume-" + UUID.randomUUID();
        HttpResponse<String> resumed = call(
                port, "POST", RESUME, admin.token(), "{\"reason\":\"topped up 50000, balance endpoint lags\"}", key);
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        JsonNode record = JSON.readTree(resumed.body());
        assertThat(record.get("action").asString()).isEqualTo("provider-resume");
        assertThat(record.get("repeated").asBoolean()).isFalse();
        assertThat(record.get("before").toString()).contains("EXHAUSTED");
        assertThat(record.get("after").toString()).contains("AVAILABLE");
        assertThat(status.current().available()).isTrue();
        assertThat(status.current().detail()).contains(admin.email()).contains("balance endpoint lags");

        HttpResponse<String> again = call(
                port, "POST", RESUME, admin.token(), "{\"reason\":\"topped up 50000, balance endpoint lags\"}", key);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("repeated").asBoolean()).isTrue();

        HttpResponse<String> nothingToResume =
                call(port, "POST", RESUME, admin.token(), "{\"reason\":\"once more\"}", null);
        assertThat(nothingToResume.statusCode()).isEqualTo(409);
        assertThat(nothingToResume.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        assertThat(JSON.readTree(nothingToResume.body()).get("detail").asString())
                .contains("available");

        assertThat(api.post("/api/v1/generate-image", u.token(), IMAGE).status())
                .isEqualTo(202);

        JsonNode audit = JSON.readTree(call(
                        port,
                        "GET",
                        "/api/v1/admin/audit?target=provider&actor=" + admin.email(),
                        admin.token(),
                        null,
                        null)
                .body());
        assertThat(audit.get("items")).hasSize(1);
        assertThat(audit.get("items").get(0).get("reason").asString())
                .isEqualTo("topped up 50000, balance endpoint lags");

        // the provider really is out of credits: its refusal trips the state again, as usual
        simulator.setOutOfCredits(true);
        gateway.submit(new SubmitRequest("job-after-resume", "google/nano-banana", Map.of("prompt", "x"), null));
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);
    }

    @Test
    void onlyAnAdminMayResume() {
        exhausted();
        var u = testUsers.create(0);
        assertThat(call(port, "POST", RESUME, null, "{\"reason\":\"x\"}", null).statusCode())
                .isEqualTo(401);
        assertThat(call(port, "POST", RESUME, u.token(), "{\"reason\":\"x\"}", null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);
    }

    @Test
    void theDashboardOffersResumeOnlyWhileTheProviderIsNotAvailable() throws Exception {
        var admin = admins.newAdmin();
        SessionApi session = SessionApi.signIn(port, admin.email(), "correct horse battery staple", "/admin");
        assertThat(session.browser().get("/admin").body()).doesNotContain("id=\"provider-resume\"");

        exhausted();
        String page = session.browser().get("/admin").body();
        assertThat(page).contains("id=\"provider-resume\"");

        HttpResponse<String> posted = session.browser()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/provider/resume"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + enc(session.csrf())
                                + "&idempotencyKey=" + UUID.randomUUID() + "&reason="
                                + enc("the account was topped up"))));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
        assertThat(posted.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/admin"));
        assertThat(status.current().available()).isTrue();
        String after = session.browser().get("/admin").body();
        assertThat(after).contains("Provider resumed").doesNotContain("id=\"provider-resume\"");
    }

    @Test
    void theCommandLineResumesWithAReasonAndAnActor() {
        exhausted();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertThat(commands.execute(new String[] {"provider", "resume", "--actor", "alice"}, out))
                .isEqualTo(OpsCommands.USAGE);
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);

        int code = commands.execute(
                new String[] {"provider", "resume", "--reason", "threshold is wrong", "--actor", "alice"}, out);
        assertThat(code).as(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(OpsCommands.OK);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("done: provider resume");
        assertThat(status.current().available()).isTrue();

        int nothing = commands.execute(
                new String[] {"provider", "resume", "--reason", "threshold is wrong", "--actor", "alice"}, out);
        assertThat(nothing).isEqualTo(OpsCommands.FINDING);
        assertThat(OpsCommands.HELP).contains("provider resume");
        assertThat(OpsCli.isCommand(new String[] {"provider", "resume"})).isTrue();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
