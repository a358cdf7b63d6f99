package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.Switches;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * An owner's actions on a finished creation, over HTTP with the simulator: deleting its file (owner
 * only, the file gone, the charge kept) and trying a failed job again (a new job with the same
 * input, priced and held again through the normal accept path; the failed job unchanged).
 */
class CreationActionsTest extends IntegrationTest {

    static final String PRO_4K = "{\"model\":\"nano-banana-pro\",\"prompt\":\"a red fox\",\"resolution\":\"4K\","
            + "\"outputFormat\":\"jpeg\",\"imageUrls\":[\"http://127.0.0.1:9/ref.png\"]}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Autowired
    Generations generations;

    @Autowired
    AssetStore store;

    @Autowired
    JobStore jobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Switches switches;

    @Value("${renderbank.data-dir}")
    Path dataDir;

    @AfterEach
    void resetSimulator() {
        simulator.reset();
    }

    private Api api() {
        return new Api(port);
    }

    private int delete(String path, String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .header("Authorization", "Bearer " + token)
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private String start(TestUser user, String body) {
        Api.Response r = api().post("/api/v1/generate-image", user.token(), body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("taskId").asString();
    }

    /** A completed image job: its task id, the URL of its file and the file's asset id. */
    private record Done(String taskId, String assetUrl, String assetId) {}

    private Done completed(TestUser owner, String prompt) {
        simulator.setImageDuration(Duration.ofMillis(500));
        String taskId = start(owner, "{\"model\":\"nano-banana\",\"prompt\":\"" + prompt + "\"}");
        JsonNode done = api().awaitTerminal(taskId, owner.token());
        assertThat(done.get("status").asString()).isEqualTo("completed");
        String assetUrl = done.get("assetUrl").asString();
        return new Done(taskId, assetUrl, assetUrl.substring(assetUrl.lastIndexOf('/') + 1));
    }

    private Api.Response retry(TestUser user, String taskId, String key) {
        return api().post("/api/v1/generations/" + taskId + "/retry", user.token(), "", Map.of("Idempotency-Key", key));
    }

    private String failedJob(TestUser user, String body) {
        simulator.setImageDuration(Duration.ofMillis(500));
        simulator.setFailureRate(1.0);
        String taskId = start(user, body);
        JsonNode done = api().awaitTerminal(taskId, user.token());
        assertThat(done.get("status").asString()).isEqualTo("failed");
        simulator.setFailureRate(0);
        return taskId;
    }

    @Test
    void theOwnerDeletesTheFileAndTheChargeStays() throws Exception {
        simulator.setImageDuration(Duration.ofMillis(500));
        TestUser owner = users.create(20);
        TestUser other = users.create(20);
        String taskId = start(owner, "{\"model\":\"nano-banana\",\"prompt\":\"delete me\"}");
        JsonNode done = api().awaitTerminal(taskId, owner.token());
        assertThat(done.get("status").asString()).isEqualTo("completed");
        String assetUrl = done.get("assetUrl").asString();
        String assetId = assetUrl.substring(assetUrl.lastIndexOf('/') + 1);
        String key = generations.asset(owner.id(), assetId).orElseThrow().storageKey();
        assertThat(store.open(key)).isPresent();

        assertThat(delete("/api/v1/generations/" + taskId + "/asset", other.token()))
                .isEqualTo(404);
        assertThat(delete("/api/v1/assets/" + assetId, other.token())).isEqualTo(404);
        assertThat(store.open(key)).as("another user's delete leaves the file").isPresent();

        assertThat(delete("/api/v1/generations/" + taskId + "/asset", owner.token()))
                .isEqualTo(204);
        assertThat(store.open(key)).as("the stored file is gone").isEmpty();
        assertThat(api().get(assetUrl, owner.token()).status()).isEqualTo(404);
        JsonNode after =
                api().get("/api/v1/generations/" + taskId, owner.token()).json();
        assertThat(after.get("status").asString()).isEqualTo("completed");
        assertThat(after.get("assetUrl").isNull()).as("no asset any more").isTrue();
        assertThat(after.get("creditsCharged").asLong()).isEqualTo(5);
        assertThat(ledger.balance(owner.id())).isEqualTo(new Balance(15, 0, 0));
        assertThat(jdbc.sql("select deleted_at is not null from generation_asset where id = :id")
                        .param("id", assetId)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(delete("/api/v1/generations/" + taskId + "/asset", owner.token()))
                .as("nothing left to delete")
                .isEqualTo(404);
    }

    @Test
    void aPictureIsShownInThePageAndAnyOtherTypeIsOnlyADownload() {
        TestUser owner = users.create(20);
        Done done = completed(owner, "shown or saved");
        String assetUrl = done.assetUrl();
        String assetId = done.assetId();
        Api.Response picture = api().get(assetUrl, owner.token());
        assertThat(picture.status()).isEqualTo(200);
        assertThat(picture.header("Content-Type")).isEqualTo("image/png");
        // saved under a name with the type's extension (browsers and curl -OJ keep the header's name)
        assertThat(picture.header("Content-Disposition")).isEqualTo("inline; filename=\"" + assetId + ".png\"");

        // each type a provider delivers is saved with its own extension
        for (String[] typed : new String[][] {
            {"image/jpeg", ".jpg"}, {"image/webp", ".webp"}, {"video/mp4", ".mp4"}, {"video/webm", ".webm"}
        }) {
            jdbc.sql("update generation_asset set content_type = :type where id = :id")
                    .param("type", typed[0])
                    .param("id", assetId)
                    .update();
            assertThat(api().get(assetUrl, owner.token()).header("Content-Disposition"))
                    .as(typed[0])
                    .isEqualTo("inline; filename=\"" + assetId + typed[1] + "\"");
        }

        // a type a browser would run as a page of ours, as a provider's host may name a file
        for (String type : new String[] {"text/html; charset=utf-8", "image/svg+xml", "application/octet-stream"}) {
            jdbc.sql("update generation_asset set content_type = :type where id = :id")
                    .param("type", type)
                    .param("id", assetId)
                    .update();
            Api.Response other = api().get(assetUrl, owner.token());
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.header("Content-Disposition"))
                    .as(type)
                    .as("saved, never opened: no extension that would make the saved file a page or a picture")
                    .isEqualTo("attachment; filename=\"" + assetId + "\"");
            assertThat(other.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
    }

    @Test
    void aFileStoreThatFailsIs503AndChangesNothing() throws Exception {
        TestUser owner = users.create(20);
        Done done = completed(owner, "stored on a failing disk");
        String taskId = done.taskId();
        String assetUrl = done.assetUrl();
        String assetId = done.assetId();
        Path file = dataDir.resolve("assets")
                .resolve(generations.asset(owner.id(), assetId).orElseThrow().storageKey());
        Path aside = file.resolveSibling(file.getFileName() + ".aside");
        // the disk refuses both the read and the delete: a non-empty directory where the file was
        Files.move(file, aside);
        Files.createDirectories(file);
        Files.writeString(file.resolve("in-the-way"), "x");
        try {
            Api.Response read = api().get(assetUrl, owner.token());
            assertThat(read.status()).as(read.body()).isEqualTo(503);
            assertThat(read.header("Retry-After")).isEqualTo("30");
            assertThat(read.json().get("type").asString()).endsWith("/storage-unavailable");
            assertThat(read.json().get("retryAfterSeconds").asLong()).isEqualTo(30);
            assertThat(delete("/api/v1/assets/" + assetId, owner.token())).isEqualTo(503);
            assertThat(delete("/api/v1/generations/" + taskId + "/asset", owner.token()))
                    .isEqualTo(503);
            assertThat(jdbc.sql("select deleted_at is null from generation_asset where id = :id")
                            .param("id", assetId)
                            .query(Boolean.class)
                            .single())
                    .as("a delete the store refused marks nothing")
                    .isTrue();
        } finally {
            Files.delete(file.resolve("in-the-way"));
            Files.delete(file);
            Files.move(aside, file);
        }
        assertThat(api().get(assetUrl, owner.token()).status()).isEqualTo(200);
        assertThat(delete("/api/v1/assets/" + assetId, owner.token())).isEqualTo(204);
    }

    @Test
    void anAssetIsAlsoDeletedByItsId() throws Exception {
        TestUser owner = users.create(20);
        Done done = completed(owner, "by id");
        String assetId = done.assetId();
        String key = generations.asset(owner.id(), assetId).orElseThrow().storageKey();
        assertThat(delete("/api/v1/assets/" + assetId, owner.token())).isEqualTo(204);
        assertThat(store.open(key)).isEmpty();
        assertThat(delete("/api/v1/assets/" + assetId, owner.token())).isEqualTo(404);
    }

    @Test
    void aFailedJobIsTriedAgainAsANewJobWithTheSameInputHeldAgain() {
        TestUser user = users.create(100);
        String failedId = failedJob(user, PRO_4K);
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100, 0, 0));
        Job failedBefore = jobs.find(failedId).orElseThrow();

        String key = UUID.randomUUID().toString();
        Api.Response r = retry(user, failedId, key);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String newId = r.json().get("taskId").asString();
        assertThat(newId).isNotEqualTo(failedId);
        assertThat(r.json().get("creditsHeld").asLong()).isEqualTo(30);
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100, 30, 0));

        Job retried = jobs.find(newId).orElseThrow();
        assertThat(retried.model()).isEqualTo("nano-banana-pro");
        assertThat(retried.prompt()).isEqualTo("a red fox");
        assertThat(retried.providerInput()).isEqualTo(failedBefore.providerInput());
        assertThat(retried.price()).isEqualTo(30);
        assertThat(jobs.find(failedId).orElseThrow())
                .as("the failed job is unchanged")
                .isEqualTo(failedBefore);

        Api.Response again = retry(user, failedId, key);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("taskId").asString())
                .as("the same key answers as the first time")
                .isEqualTo(newId);
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100, 30, 0));

        assertThat(api().awaitTerminal(newId, user.token()).get("status").asString())
                .isEqualTo("completed");
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(70, 0, 0));
    }

    @Test
    void aRetryThatCannotBeAffordedIs402AndHoldsNothing() {
        TestUser user = users.create(30);
        String failedId = failedJob(user, PRO_4K);
        ledger.reserve(user.id(), 10, "other-" + failedId, Duration.ofHours(1));
        int jobsBefore = countJobs(user);

        Api.Response r = retry(user, failedId, UUID.randomUUID().toString());
        assertThat(r.status()).as(r.body()).isEqualTo(402);
        assertThat(r.json().get("needed").asLong()).isEqualTo(30);
        assertThat(r.json().get("available").asLong()).isEqualTo(20);
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(30, 10, 0));
        assertThat(countJobs(user)).isEqualTo(jobsBefore);
    }

    @Test
    void onlyTheOwnersFailedJobsCanBeTriedAgain() {
        TestUser owner = users.create(100);
        TestUser other = users.create(100);
        String failedId = failedJob(owner, "{\"model\":\"nano-banana\",\"prompt\":\"fails\"}");
        assertThat(retry(other, failedId, "k1").status()).isEqualTo(404);
        assertThat(ledger.balance(other.id())).isEqualTo(new Balance(100, 0, 0));

        simulator.setImageDuration(Duration.ofMillis(500));
        String done = start(other, "{\"model\":\"nano-banana\",\"prompt\":\"works\"}");
        api().awaitTerminal(done, other.token());
        Api.Response r = retry(other, done, "k2");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("type").asString()).endsWith("not-retryable");
    }

    @Test
    void aRetryIsRefusedWhileAnOperatorPausedGenerationOrItsModelAndHoldsNothing() {
        TestUser user = users.create(100);
        String failedId = failedJob(user, "{\"model\":\"nano-banana\",\"prompt\":\"paused\"}");
        int jobsBefore = countJobs(user);
        for (String name : new String[] {Switches.GENERATION, Switches.model("nano-banana")}) {
            switches.set(name, true, "Paused by an operator", 120, "test", clock.instant());
            try {
                Api.Response r = retry(user, failedId, UUID.randomUUID().toString());
                assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("120");
                assertThat(r.json().get("detail").asString()).isEqualTo("Paused by an operator");
                assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100, 0, 0));
                assertThat(countJobs(user)).as("no new job while paused").isEqualTo(jobsBefore);
            } finally {
                switches.set(name, false, null, null, "test", clock.instant());
            }
        }
        assertThat(retry(user, failedId, UUID.randomUUID().toString()).status())
                .as("on again: the retry is accepted")
                .isEqualTo(202);
    }

    private int countJobs(TestUser user) {
        return jdbc.sql("select count(*) from generation_job where user_id = :u")
                .param("u", user.id())
                .query(Integer.class)
                .single();
    }
}
