package dev.renderbank.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A store that refuses writes (here the local store, whose user folder is taken by a file: the write
 * fails as on a full or unmounted disk) while a job finishes at the simulator: operators are alerted
 * ({@code storage.failing}) and the failed writes counted; once the store takes the file again the
 * job completes and {@code storage.recovered} says so. Before, the copy was retried silently until
 * the job's deadline.
 */
class StorageFailingAlertTest extends IntegrationTest {

    @DynamicPropertySource
    static void alertAtOnce(DynamicPropertyRegistry r) throws java.io.IOException {
        r.add("renderbank.storage.failing-alert-after", () -> "0s");
        // a folder of its own: the shared test data may hold a folder of the same user id from another run
        Path assets = Files.createTempDirectory("storage-failing-");
        r.add("renderbank.storage.local.dir", assets::toString);
        assetsDir = assets;
    }

    static Path assetsDir;

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    KieSimulator simulator;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void resetSimulator() {
        simulator.reset();
    }

    @Test
    void writesTheStoreRefusesRaiseStorageFailingAndAStoredFileEndsIt() throws Exception {
        simulator.setImageDuration(Duration.ofMillis(300));
        TestUser owner = users.create(20);
        Path usersFolder = assetsDir.resolve("jobs").resolve(String.valueOf(owner.id()));
        Files.createDirectories(usersFolder.getParent());
        Files.writeString(usersFolder, "not a folder: every write under it fails");
        double failedBefore = failedWrites();
        try {
            Api api = new Api(port);
            Api.Response r = api.post(
                    "/api/v1/generate-image", owner.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a full disk\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            String taskId = r.json().get("taskId").asString();

            await("the storage.failing alert")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> !alerts.page("storage.failing", null, 5).isEmpty());
            assertThat(alerts.page("storage.failing", null, 5).get(0).message())
                    .contains("asset store")
                    .contains("jobs/" + owner.id() + "/");
            assertThat(failedWrites()).isGreaterThan(failedBefore);

            Files.delete(usersFolder);
            await("the job, its result stored at the next try")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> api.get("/api/v1/generations/" + taskId, owner.token())
                            .json()
                            .get("status")
                            .asString()
                            .equals("completed"));
            await("storage.recovered")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !alerts.page("storage.recovered", null, 5).isEmpty());
        } finally {
            if (Files.isRegularFile(usersFolder)) {
                Files.delete(usersFolder);
            }
        }
    }

    private double failedWrites() {
        var counter = meters.find("renderbank.storage.write.failures").counter();
        return counter == null ? 0 : counter.count();
    }
}
