package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A job's JSON carries what its owner asked for: the prompt and the options under the request's own
 * names (only those that apply to its type, reference images only when given), in the single answer
 * and in the list. Before, a user could not see the prompt "try again" would resend.
 */
class JobInputFieldsTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    KieSimulator simulator;

    @AfterEach
    void resetSimulator() {
        simulator.reset();
    }

    @Test
    void theOwnerSeesThePromptAndOptionsOfEachJobAndNobodyElseSeesTheJob() {
        simulator.setImageDuration(Duration.ofHours(1));
        simulator.setVideoDuration(Duration.ofHours(1));
        Api api = new Api(port);
        TestUser u = users.create(200);
        String prompt = "a lighthouse at dusk,\n\"quoted\" <b>not bold</b>";
        String image = api.post(
                        "/api/v1/generate-image",
                        u.token(),
                        "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk,\\n\\\"quoted\\\" <b>not bold</b>\","
                                + "\"outputFormat\":\"jpeg\","
                                + "\"imageUrls\":[\"https://cdn.example.com/ref.png\"]}")
                .json()
                .get("taskId")
                .asString();
        String video = api.post(
                        "/api/v1/generate-video",
                        u.token(),
                        "{\"model\":\"sora-2\",\"prompt\":\"waves at night\",\"aspectRatio\":\"portrait\"}")
                .json()
                .get("taskId")
                .asString();

        JsonNode one = api.get("/api/v1/generations/" + image, u.token()).json();
        assertThat(one.get("prompt").asString()).isEqualTo(prompt);
        JsonNode options = one.get("options");
        assertThat(options.get("resolution").asString()).isEqualTo("1K"); // the default, as priced
        assertThat(options.get("outputFormat").asString()).isEqualTo("jpeg");
        assertThat(options.get("imageUrls").get(0).asString()).isEqualTo("https://cdn.example.com/ref.png");
        assertThat(options.has("aspectRatio")).as("not an image option").isFalse();
        assertThat(options.has("durationSeconds")).as("not an image option").isFalse();

        JsonNode list =
                api.get("/api/v1/generations?limit=10", u.token()).json().get("items");
        List<String> prompts = new ArrayList<>();
        list.forEach(j -> prompts.add(j.get("prompt").asString()));
        assertThat(prompts).containsExactly("waves at night", prompt);
        JsonNode videoOptions = list.get(0).get("options");
        assertThat(videoOptions.get("aspectRatio").asString()).isEqualTo("portrait");
        assertThat(videoOptions.get("durationSeconds").asInt()).isEqualTo(10);
        assertThat(videoOptions.get("resolution").asString()).isEqualTo("720p");
        assertThat(videoOptions.has("outputFormat")).isFalse();
        assertThat(videoOptions.has("imageUrls")).as("none given").isFalse();
        assertThat(api.get("/api/v1/video-status/" + video, u.token())
                        .json()
                        .get("prompt")
                        .asString())
                .isEqualTo("waves at night");

        TestUser stranger = users.create(0);
        Api.Response theirs = api.get("/api/v1/generations/" + image, stranger.token());
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.body()).doesNotContain("lighthouse");
        assertThat(api.get("/api/v1/generations", stranger.token()).body()).doesNotContain("lighthouse");
    }
}
