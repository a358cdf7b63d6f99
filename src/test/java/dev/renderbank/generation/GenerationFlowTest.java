package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.internal.CallbackChecks;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobDriver;
import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** End to end over HTTP against the built-in KIE simulator; cooldown and in-flight cap off. */
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
class GenerationFlowTest extends IntegrationTest {

    static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobDriver driver;

    @Autowired
    Sweeper sweeper;

    @Autowired
    Generations generations;

    @Autowired
    ProviderCallbacks callbacks;

    /** A callback is answered before its check (provider query, result copy) runs on these threads. */
    @Autowired
    CallbackChecks callbackChecks;

    @Autowired
    JobStore jobs;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        simulator.setFailureRate(0);
        simulator.setOutOfCredits(false);
    }

    @AfterEach
    void restoreSimulator() {
        simulator.setFailureRate(0);
        simulator.setOutOfCredits(false);
    }

    private JsonNode awaitTerminal(TestUser u, String taskId) {
        return api.awaitTerminal(taskId, u.token());
    }

    private long entries(String jobId, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where ref_key = :k and kind = :kind")
                .param("k", jobId)
                .param("kind", kind)
                .query(Long.class)
                .single();
    }

    @Test
    void successChargesThePriceExactlyOnceAndServesTheFileToItsOwner() throws Exception {
        TestUser u = users.create(100);
        Api.Response r = api.post("/api/v1/generate-image", u.token(), IMAGE);
        assertThat(r.status()).isEqualTo(202);
        JsonNode accepted = r.json();
        String taskId = accepted.get("taskId").asString();
        assertThat(accepted.get("creditsHeld").asLong()).isEqualTo(5);
        assertThat(accepted.get("status").asString()).isEqualTo("queued");
        assertThat(accepted.get("statusUrl").asString()).isEqualTo("/api/v1/generations/" + taskId);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));

        JsonNode done = awaitTerminal(u, taskId);
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("progress").asInt()).isEqualTo(100);
        assertThat(done.get("creditsCharged").asLong()).isEqualTo(5);
        assertThat(done.get("creditsHeld").asLong()).isZero();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(entries(taskId, "CAPTURE")).isEqualTo(1);

        String assetUrl = done.get("assetUrl").asString();
        byte[] png = api.download(assetUrl, u.token());
        assertThat(ImageIO.read(new ByteArrayInputStream(png))).isNotNull();

        // the original's path answers the same
        assertThat(api.get("/api/v1/video-status/" + taskId, u.token())
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("completed");

        // IDOR: another user sees neither the job nor its file
        TestUser other = users.create(10);
        assertThat(api.get("/api/v1/generations/" + taskId, other.token()).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/video-status/" + taskId, other.token()).status())
                .isEqualTo(404);
        assertThat(api.get(assetUrl, other.token()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/generations/" + taskId + "/events", other.token())
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/generations", other.token())
                        .json()
                        .get("items")
                        .size())
                .isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void videoSucceedsWithAPlayableMp4() {
        TestUser u = users.create(100);
        Api.Response r = api.post(
                "/api/v1/generate-video",
                u.token(),
                "{\"model\":\"sora-2\",\"prompt\":\"waves\",\"aspectRatio\":\"portrait\",\"durationSeconds\":15}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("creditsHeld").asLong()).isEqualTo(30);
        JsonNode done = awaitTerminal(u, r.json().get("taskId").asString());
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("type").asString()).isEqualTo("video");
        byte[] mp4 = api.download(done.get("assetUrl").asString(), u.token());
        assertThat(new String(mp4, 4, 4)).isEqualTo("ftyp");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(70, 0, 0));
    }

    @Test
    void eventStreamPushesStatusChangesUntilCompletion() throws Exception {
        TestUser u = users.create(100);
        String taskId = api.post("/api/v1/generate-image", u.token(), IMAGE)
                .json()
                .get("taskId")
                .asString();
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/api/v1/generations/" + taskId + "/events"))
                .header("Authorization", "Bearer " + u.token())
                .header("Accept", "text/event-stream")
                .build();
        var response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> data = response.body()
                .filter(line -> line.startsWith("data:"))
                .map(line -> line.substring(5))
                .toList(); // the server completes the stream once the job is terminal
        assertThat(data).isNotEmpty();
        assertThat(data.get(data.size() - 1))
                .contains("\"status\":\"completed\"")
                .contains("\"progress\":100");

        // a client reconnecting with the last id it saw gets nothing old, only the end state again if newer
        long last = generations.find(u.id(), taskId).orElseThrow().version();
        var again = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(request.uri())
                                .header("Authorization", "Bearer " + u.token())
                                .header("Last-Event-ID", Long.toString(last))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(again.body().filter(line -> line.startsWith("data:")).count())
                .isZero();
    }

    @Test
    void providerFailureReleasesEverything() {
        TestUser u = users.create(100);
        simulator.setFailureRate(1.0);
        String taskId = api.post("/api/v1/generate-image", u.token(), IMAGE)
                .json()
                .get("taskId")
                .asString();
        JsonNode done = awaitTerminal(u, taskId);
        assertThat(done.get("status").asString()).isEqualTo("failed");
        assertThat(done.get("error").get("code").asString()).isEqualTo("provider_generation_failed");
        assertThat(done.has("lateResultUntil"))
                .as("the provider said it failed: nothing more comes")
                .isFalse();
        assertThat(done.get("creditsCharged").asLong()).isZero();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(taskId, "RELEASE")).isEqualTo(1);
        assertThat(entries(taskId, "CAPTURE")).isZero();
        assertThat(meters.counter(
                                "renderbank.jobs.finished",
                                "type",
                                "image",
                                "model",
                                "nano-banana",
                                "outcome",
                                "failed",
                                "reason",
                                "provider_generation_failed")
                        .count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void duplicateCallbacksChangeNothing() {
        TestUser u = users.create(100);
        String taskId = api.post("/api/v1/generate-image", u.token(), IMAGE)
                .json()
                .get("taskId")
                .asString();
        awaitTerminal(u, taskId);
        Job job = jobs.find(taskId).orElseThrow();
        String callback = "/api/provider/kie/callback/" + taskId + "?token=" + job.callbackToken();
        String body = "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + job.providerTaskId()
                + "\",\"state\":\"success\"}}";
        for (int i = 0; i < 5; i++) {
            assertThat(api.post(callback, null, body).status()).isEqualTo(200);
        }
        assertThat(generations.find(u.id(), taskId).orElseThrow().version()).isEqualTo(job.version());
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(entries(taskId, "CAPTURE")).isEqualTo(1);
        // a wrong token is refused and changes nothing
        assertThat(api.post("/api/provider/kie/callback/" + taskId + "?token=guess", null, body)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void callbackAndPollRacingFinishOnce() throws Exception {
        TestUser u = users.create(100);
        simulator.setImageDuration(Duration.ofMillis(1500));
        String taskId = api.post("/api/v1/generate-image", u.token(), IMAGE)
                .json()
                .get("taskId")
                .asString();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jobs.find(taskId).orElseThrow().providerTaskId() != null);
        Job job = jobs.find(taskId).orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (int i = 0; i < 16; i++) {
                    Callable<Object> c = i % 2 == 0
                            ? () -> callbacks.onProviderCallback(taskId, job.callbackToken(), job.providerTaskId())
                            : () -> driver.step(taskId);
                    all.add(pool.submit(c));
                }
                for (Future<?> f : all) {
                    f.get();
                }
                return generations.find(u.id(), taskId).orElseThrow().state().isTerminal();
            });
        } finally {
            pool.shutdownNow();
            simulator.setImageDuration(Duration.ofSeconds(1));
        }
        // the callbacks' checks may still run (and find the job finished): they too must finish nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> callbackChecks.idle(taskId));
        assertThat(entries(taskId, "CAPTURE")).isEqualTo(1);
        assertThat(entries(taskId, "RELEASE")).isZero();
        assertThat(jdbc.sql("select count(*) from generation_asset where job_id = :j")
                        .param("j", taskId)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
    }

    @Test
    void jobPastItsDeadlineFailsReleasesAndALateDeliveryIsFree() throws Exception {
        TestUser u = users.create(100);
        simulator.setVideoDuration(Duration.ofHours(2));
        try {
            String taskId = api.post("/api/v1/generate-video", u.token(), "{\"model\":\"sora-2\",\"prompt\":\"slow\"}")
                    .json()
                    .get("taskId")
                    .asString();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> jobs.find(taskId).orElseThrow().providerTaskId() != null);
            clock.advance(Duration.ofMinutes(46));
            sweeper.sweep();
            JsonNode failed =
                    api.get("/api/v1/generations/" + taskId, u.token()).json();
            assertThat(failed.get("status").asString()).isEqualTo("failed");
            assertThat(failed.get("error").get("code").asString()).isEqualTo("deadline_exceeded");
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
            // its provider task may still finish: the owner is told until when it may come, free,
            // next to "Try again" (which starts a new, paid job and pays the provider a second time)
            Instant failedAt = Instant.parse(failed.get("completedAt").asString());
            assertThat(Instant.parse(failed.get("lateResultUntil").asString()))
                    .isEqualTo(failedAt.plus(Duration.ofHours(10)));
            BrowserSession owner = BrowserSession.signIn(port, u.email(), "correct horse battery staple");
            assertThat(owner.get("/creations").body()).contains("The provider may still finish it", "Try again");
            assertThat(owner.get("/creations/" + taskId).body()).contains("The provider may still finish it");

            // the provider finishes after all: stored and shown, never charged
            clock.advance(Duration.ofHours(2));
            Job job = jobs.find(taskId).orElseThrow();
            callbacks.onProviderCallback(taskId, job.callbackToken(), job.providerTaskId());
            // answered at once; the provider query and the copy follow off the caller's thread
            await().atMost(Duration.ofSeconds(30)).until(() -> callbackChecks.idle(taskId));
            JsonNode late = api.get("/api/v1/generations/" + taskId, u.token()).json();
            assertThat(late.get("status").asString()).isEqualTo("failed");
            assertThat(late.get("lateDelivery").asBoolean()).isTrue();
            assertThat(late.has("lateResultUntil")).as("it came").isFalse();
            assertThat(owner.get("/creations/" + taskId).body()).doesNotContain("The provider may still finish it");
            assertThat(late.get("creditsCharged").asLong()).isZero();
            assertThat(api.download(late.get("assetUrl").asString(), u.token())).isNotEmpty();
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
            assertThat(entries(taskId, "CAPTURE")).isZero();
        } finally {
            simulator.setVideoDuration(Duration.ofSeconds(2));
        }
    }

    @Test
    void fiftyParallelRequestsWithCreditsForThreeAcceptExactlyThree() throws Exception {
        TestUser u = users.create(15); // three images at 5
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Api.Response>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit(() -> api.post("/api/v1/generate-image", u.token(), IMAGE)));
            }
            int accepted = 0;
            int refused = 0;
            for (Future<Api.Response> f : results) {
                Api.Response r = f.get();
                if (r.status() == 202) {
                    accepted++;
                } else {
                    assertThat(r.status()).isEqualTo(402);
                    assertThat(r.json().get("needed").asLong()).isEqualTo(5);
                    refused++;
                }
            }
            assertThat(accepted).isEqualTo(3);
            assertThat(refused).isEqualTo(47);
        } finally {
            pool.shutdownNow();
        }
        Balance b = ledger.balance(u.id());
        assertThat(b.available()).isGreaterThanOrEqualTo(0);
        assertThat(b.balance() - b.held() + 0).isLessThanOrEqualTo(15);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void idempotencyKeyReturnsTheSameTaskAndHoldsOnce() {
        TestUser u = users.create(100);
        Map<String, String> key = Map.of("Idempotency-Key", "abc-123");
        Api.Response first = api.post("/api/v1/generate-image", u.token(), IMAGE, key);
        Api.Response again = api.post("/api/v1/generate-image", u.token(), IMAGE, key);
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("taskId").asString())
                .isEqualTo(first.json().get("taskId").asString());
        assertThat(ledger.balance(u.id()).held() + 100 - ledger.balance(u.id()).balance())
                .isEqualTo(5);
        Api.Response different = api.post(
                "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"something else\"}", key);
        assertThat(different.status()).isEqualTo(422);
        // the same key is the user's own: another user's identical key is a different request
        TestUser other = users.create(100);
        Api.Response theirs = api.post("/api/v1/generate-image", other.token(), IMAGE, key);
        assertThat(theirs.json().get("taskId").asString())
                .isNotEqualTo(first.json().get("taskId").asString());
    }

    @Test
    void badInputIsAClearProblemAndWritesNothing() {
        TestUser u = users.create(100);
        assertProblem(
                api.post("/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"\"}"),
                400,
                "prompt");
        assertProblem(
                api.post(
                        "/api/v1/generate-image",
                        u.token(),
                        "{\"model\":\"nano-banana\",\"prompt\":\"" + "x".repeat(4001) + "\"}"),
                400,
                "prompt");
        assertProblem(
                api.post("/api/v1/generate-image", u.token(), "{\"model\":\"dall-e\",\"prompt\":\"x\"}"), 422, "model");
        assertProblem(
                api.post("/api/v1/generate-image", u.token(), "{\"model\":\"sora-2\",\"prompt\":\"x\"}"), 422, "model");
        assertProblem(
                api.post(
                        "/api/v1/generate-image",
                        u.token(),
                        "{\"model\":\"flux-dev\",\"prompt\":\"x\",\"resolution\":\"4K\"}"),
                422,
                "resolution");
        assertProblem(
                api.post(
                        "/api/v1/generate-image",
                        u.token(),
                        "{\"model\":\"nano-banana\",\"prompt\":\"x\",\"imageUrls\":[\"file:///etc/passwd\"]}"),
                400,
                "imageUrls[0]");
        assertProblem(
                api.post(
                        "/api/v1/generate-video",
                        u.token(),
                        "{\"model\":\"sora-2\",\"prompt\":\"x\",\"durationSeconds\":12}"),
                400,
                "durationSeconds");
        assertProblem(
                api.post(
                        "/api/v1/generate-video",
                        u.token(),
                        "{\"model\":\"sora-2\",\"prompt\":\"x\",\"resolution\":\"1080p\"}"),
                422,
                "resolution");
        Api.Response malformed = api.post("/api/v1/generate-image", u.token(), "{not json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.header("Content-Type")).startsWith("application/problem+json");

        Api.Response poor =
                api.post("/api/v1/generate-video", users.create(20).token(), "{\"model\":\"sora-2\",\"prompt\":\"x\"}");
        assertThat(poor.status()).isEqualTo(402);
        assertThat(poor.json().get("needed").asLong()).isEqualTo(25);
        assertThat(poor.json().get("available").asLong()).isEqualTo(20);

        assertThat(api.get("/api/v1/generations?limit=1", u.token())
                        .json()
                        .get("items")
                        .size())
                .isZero();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(api.post("/api/v1/generate-image", null, IMAGE).status()).isEqualTo(401);
    }

    private static void assertProblem(Api.Response r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
    }

    @Test
    void listingPagesThroughTheCallersJobs() {
        TestUser u = users.create(100);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.post("/api/v1/generate-image", u.token(), IMAGE)
                    .json()
                    .get("taskId")
                    .asString());
        }
        JsonNode page1 = api.get("/api/v1/generations?limit=3", u.token()).json();
        assertThat(page1.get("items").size()).isEqualTo(3);
        String cursor = page1.get("nextCursor").asString();
        JsonNode page2 = api.get("/api/v1/generations?limit=3&cursor=" + cursor, u.token())
                .json();
        assertThat(page2.get("items").size()).isEqualTo(2);
        assertThat(page2.get("nextCursor").isNull())
                .as("the last page: nextCursor null")
                .isTrue();
        List<String> seen = new ArrayList<>();
        page1.get("items").forEach(n -> seen.add(n.get("taskId").asString()));
        page2.get("items").forEach(n -> seen.add(n.get("taskId").asString()));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(api.get("/api/v1/generations?status=bogus", u.token()).status())
                .isEqualTo(400);
    }
}
