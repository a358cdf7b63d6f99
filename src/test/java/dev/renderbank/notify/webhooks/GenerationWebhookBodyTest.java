package dev.renderbank.notify.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contract: a generation webhook's {@code data} has "the status API's fields". So it has the same
 * fields as {@code GET /api/v1/generations/{taskId}} at the same moment, nulls included (before, the
 * webhook left out {@code assetUrl}, {@code error} and {@code completedAt} while they had no value).
 */
class GenerationWebhookBodyTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    KieSimulator simulator;

    @Autowired
    Generations generations;

    @Autowired
    JsonMapper json;

    @Autowired
    JobStore jobs;

    @Autowired
    Sweeper sweeper;

    @AfterEach
    void resetSimulator() {
        simulator.reset();
    }

    @Test
    void theWebhookDataHasTheStatusAnswersFieldsRunningAndFailed() {
        Api api = new Api(port);
        simulator.setImageDuration(Duration.ofHours(1));
        TestUser u = users.create(100);
        String running = accept(api, u);
        assertSameFields(api, u, running);

        simulator.setImageDuration(Duration.ZERO);
        simulator.setFailureRate(1.0);
        TestUser other = users.create(100); // the first user's image cooldown still runs
        String failed = accept(api, other);
        assertThat(api.awaitTerminal(failed, other.token()).get("status").asString())
                .isEqualTo("failed");
        assertSameFields(api, other, failed);
    }

    /**
     * A job failed at its deadline while the provider still works on it carries {@code lateResultUntil}
     * in the status answer (its result may still come free): a client driven by webhooks must read it
     * in {@code generation.failed} too, or it retries at once and pays for a second video.
     */
    @Test
    void aJobFailedAtItsDeadlineCarriesLateResultUntilInItsWebhookToo() {
        Api api = new Api(port);
        simulator.setVideoDuration(Duration.ofHours(2));
        TestUser u = users.create(100);
        String taskId = api.post("/api/v1/generate-video", u.token(), "{\"model\":\"sora-2\",\"prompt\":\"slow\"}")
                .json()
                .get("taskId")
                .asString();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jobs.find(taskId).orElseThrow().providerTaskId() != null);
        clock.advance(Duration.ofMinutes(46));
        sweeper.sweep();
        JsonNode status = api.get("/api/v1/generations/" + taskId, u.token()).json();
        assertThat(status.get("status").asString()).isEqualTo("failed");
        assertThat(status.has("lateResultUntil")).isTrue();
        assertSameFields(api, u, taskId);
    }

    private static String accept(Api api, TestUser u) {
        return api.post("/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a fox\"}")
                .json()
                .get("taskId")
                .asString();
    }

    private void assertSameFields(Api api, TestUser u, String taskId) {
        JsonNode status = api.get("/api/v1/generations/" + taskId, u.token()).json();
        JsonNode data = json.readTree(json.writeValueAsString(
                WebhookEvents.generation(generations.find(u.id(), taskId).orElseThrow())));
        assertThat(data.propertyNames()).containsExactlyInAnyOrderElementsOf(status.propertyNames());
        for (String field : status.propertyNames()) {
            assertThat(data.get(field).isNull())
                    .as(field)
                    .isEqualTo(status.get(field).isNull());
        }
    }
}
