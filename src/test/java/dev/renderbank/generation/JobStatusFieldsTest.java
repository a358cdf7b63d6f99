package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The status answer has every field the contract names, at every stage: one not known yet is
 * {@code null}, not missing (a client reading {@code job.error === null} or checking for the key
 * must not misread a running job). Before, nulls were left out.
 */
class JobStatusFieldsTest extends IntegrationTest {

    static final List<String> CONTRACT_FIELDS = List.of(
            "taskId",
            "type",
            "model",
            "status",
            "progress",
            "creditsHeld",
            "creditsCharged",
            "assetUrl",
            "error",
            "createdAt",
            "completedAt");

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
    void everyContractFieldIsPresentWhileRunningAndWhenDone() {
        Api api = new Api(port);
        TestUser u = users.create(100);
        simulator.setImageDuration(Duration.ofHours(1));
        String running = api.post(
                        "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a slow fox\"}")
                .json()
                .get("taskId")
                .asString();
        JsonNode status = api.get("/api/v1/generations/" + running, u.token()).json();
        assertThat(status.propertyNames()).containsAll(CONTRACT_FIELDS);
        assertThat(status.get("status").asString()).isIn("queued", "processing");
        assertThat(status.get("assetUrl").isNull()).isTrue();
        assertThat(status.get("error").isNull()).isTrue();
        assertThat(status.get("completedAt").isNull()).isTrue();
        assertThat(status.has("lateDelivery"))
                .as("only a late delivery says so")
                .isFalse();

        simulator.setImageDuration(Duration.ZERO);
        simulator.setFailureRate(1.0);
        TestUser other = users.create(100); // the first user's image cooldown still runs
        String failing = api.post(
                        "/api/v1/generate-image",
                        other.token(),
                        "{\"model\":\"nano-banana\",\"prompt\":\"a lost fox\"}")
                .json()
                .get("taskId")
                .asString();
        JsonNode failed = api.awaitTerminal(failing, other.token());
        assertThat(failed.propertyNames()).containsAll(CONTRACT_FIELDS);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("assetUrl").isNull()).isTrue();
        assertThat(failed.get("error").get("code").asString()).isNotBlank();
        assertThat(failed.get("completedAt").isNull()).isFalse();
    }
}
