package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default run (the built-in simulator) serves KIE's Flux Kontext API too: a flux-kontext-max
 * job is created there and followed there (the simulator's record-info knows its task, with the
 * Flux Kontext record's fields), and completes, charged once, with the format asked for. Same
 * properties as {@link GenerationFlowTest}, so the two share one application context.
 */
@TestPropertySource(
        properties = {
            "renderbank.limits.cooldown.image=0",
            "renderbank.limits.cooldown.video=0",
            "renderbank.limits.in-flight.image=0",
            "renderbank.limits.in-flight.video=0",
            "renderbank.simulator.image-duration=1s",
            "renderbank.simulator.video-duration=2s",
            "renderbank.jobs.first-poll=300ms",
            "renderbank.jobs.max-poll=1s"
        })
class FluxKontextSimulatorTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Autowired
    JobStore jobs;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        simulator.setFailureRate(0);
        simulator.setOutOfCredits(false);
    }

    @Test
    void aFluxKontextMaxJobCompletesThroughTheSimulatorsFluxKontextApi() throws Exception {
        TestUser u = users.create(100);
        Api.Response r = api.post(
                "/api/v1/generate-image",
                u.token(),
                "{\"model\":\"flux-kontext-max\",\"prompt\":\"a paper crane\",\"outputFormat\":\"jpeg\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("taskId").asString();

        JsonNode done = api.awaitTerminal(id, u.token());
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(done.get("creditsCharged").asLong()).isEqualTo(10);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(90, 0, 0));
        byte[] file = api.download(done.get("assetUrl").asString(), u.token());
        assertThat(ImageIO.read(new ByteArrayInputStream(file))).isNotNull();
        assertThat(file[0] & 0xff).as("a JPEG starts with FF D8").isEqualTo(0xff);
        assertThat(file[1] & 0xff).isEqualTo(0xd8);

        String task = jobs.find(id).orElseThrow().providerTaskId();
        HttpResponse<String> record = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port
                                        + "/sim/kie/api/v1/flux/kontext/record-info?taskId=" + task))
                                .header("Authorization", "Bearer " + simulator.apiKey())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(record.statusCode()).as(record.body()).isEqualTo(200);
        JsonNode data = JsonMapper.shared().readTree(record.body()).path("data");
        assertThat(data.path("successFlag").asInt()).isEqualTo(1);
        assertThat(data.path("response").path("resultImageUrl").asString()).endsWith("/output.jpg");
        JsonNode param = JsonMapper.shared().readTree(data.path("paramJson").asString());
        assertThat(param.path("model").asString()).isEqualTo("flux-kontext-max");
        assertThat(param.path("outputFormat").asString()).isEqualTo("jpeg");
    }

    /** Each of the simulator's APIs takes only its own models, so a job sent to the wrong one fails loudly. */
    @Test
    void theSimulatorsTwoApisRefuseEachOthersModels() throws Exception {
        assertThat(simPost("/api/v1/jobs/createTask", "{\"model\":\"flux-kontext-pro\",\"input\":{\"prompt\":\"x\"}}"))
                .isEqualTo(422);
        assertThat(simPost("/api/v1/flux/kontext/generate", "{\"model\":\"google/nano-banana\",\"prompt\":\"x\"}"))
                .isEqualTo(422);
        assertThat(simPost("/api/v1/flux/kontext/generate", "{\"model\":\"flux-kontext-pro\"}"))
                .isEqualTo(422);
    }

    private int simPost(String path, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sim/kie" + path))
                                .header("Authorization", "Bearer " + simulator.apiKey())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
