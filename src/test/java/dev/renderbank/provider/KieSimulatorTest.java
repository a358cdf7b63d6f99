package dev.renderbank.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.simulator.KieSimulator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

/** The built-in simulator over real HTTP, through the same gateway that talks to KIE.ai. */
class KieSimulatorTest extends ProviderIntegrationTest {

    @RegisterExtension
    static WireMockExtension app = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @Autowired
    KieCallbackVerifier verifier;

    @Autowired
    DataSource dataSource;

    private final HttpClient http = HttpClient.newHttpClient();

    private String accept(SubmitOutcome outcome) {
        assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
        return ((SubmitOutcome.Accepted) outcome).providerTaskId();
    }

    private HttpResponse<byte[]> download(URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void anImageTaskProgressesWithTheClockThenYieldsARealPngAndASignedCallback() throws Exception {
        app.stubFor(
                post(urlPathEqualTo("/callback/job-7")).willReturn(aResponse().withStatus(200)));
        simulator.setImageDuration(Duration.ofSeconds(10));

        String taskId = accept(gateway.submit(new SubmitRequest(
                "job-7",
                "google/nano-banana",
                Map.of("prompt", "a red fox in fresh snow", "resolution", "1K", "output_format", "png"),
                app.baseUrl() + "/callback/job-7?token=secret-token")));

        QueryOutcome early = gateway.query("google/nano-banana", taskId);
        assertThat(early).isInstanceOf(QueryOutcome.Running.class);
        assertThat(((QueryOutcome.Running) early).progress()).isBetween(0, 9);

        clock.advance(Duration.ofSeconds(5));
        QueryOutcome halfway = gateway.query("google/nano-banana", taskId);
        assertThat(((QueryOutcome.Running) halfway).state()).isEqualTo("generating");
        assertThat(((QueryOutcome.Running) halfway).progress()).isBetween(40, 60);
        assertThat(app.findAll(postRequestedFor(urlPathEqualTo("/callback/job-7"))))
                .isEmpty();

        clock.advance(Duration.ofSeconds(6));
        QueryOutcome done = gateway.query("google/nano-banana", taskId);
        assertThat(done).isInstanceOf(QueryOutcome.Succeeded.class);
        List<URI> urls = ((QueryOutcome.Succeeded) done).resultUrls();
        assertThat(urls).hasSize(1);

        HttpResponse<byte[]> file = download(urls.get(0));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(file.body()));
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(512);

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> app.verify(
                        1,
                        postRequestedFor(urlPathEqualTo("/callback/job-7"))
                                .withQueryParam(
                                        "token",
                                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("secret-token"))
                                .withRequestBody(matchingJsonPath(
                                        "$.code", com.github.tomakehurst.wiremock.client.WireMock.equalTo("200")))
                                .withRequestBody(matchingJsonPath(
                                        "$.data.taskId",
                                        com.github.tomakehurst.wiremock.client.WireMock.equalTo(taskId)))
                                .withRequestBody(matchingJsonPath(
                                        "$.data.state",
                                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("success")))
                                .withRequestBody(matchingJsonPath("$.data.resultJson"))));
        LoggedRequest callback =
                app.findAll(postRequestedFor(urlPathEqualTo("/callback/job-7"))).get(0);
        assertThat(verifier.verify(
                        taskId,
                        callback.getHeader(KieCallbackVerifier.TIMESTAMP_HEADER),
                        callback.getHeader(KieCallbackVerifier.SIGNATURE_HEADER)))
                .isEqualTo(KieCallbackVerifier.Outcome.VALID);
    }

    @Test
    void aRefusedCallbackIsSentAgainLaterUntilAccepted() {
        app.stubFor(
                post(urlPathEqualTo("/callback/job-13")).willReturn(aResponse().withStatus(503)));
        simulator.setImageDuration(Duration.ZERO);
        accept(gateway.submit(new SubmitRequest(
                "job-13", "google/nano-banana", Map.of("prompt", "a bridge"), app.baseUrl() + "/callback/job-13")));

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> app.verify(1, postRequestedFor(urlPathEqualTo("/callback/job-13"))));

        app.stubFor(
                post(urlPathEqualTo("/callback/job-13")).willReturn(aResponse().withStatus(200)));
        clock.advance(Duration.ofSeconds(3)); // past the first back-off
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> app.verify(2, postRequestedFor(urlPathEqualTo("/callback/job-13"))));

        clock.advance(Duration.ofMinutes(5)); // delivered: never sent again
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> app.verify(2, postRequestedFor(urlPathEqualTo("/callback/job-13"))));
    }

    @Test
    void aVideoTaskYieldsAnMp4() throws Exception {
        simulator.setVideoDuration(Duration.ZERO);

        String taskId = accept(gateway.submit(new SubmitRequest(
                "job-8",
                "sora-2-text-to-video",
                Map.of("prompt", "waves at dusk", "aspect_ratio", "landscape", "n_frames", "10"),
                null)));
        QueryOutcome done = gateway.query("sora-2-text-to-video", taskId);
        assertThat(done).isInstanceOf(QueryOutcome.Succeeded.class);

        HttpResponse<byte[]> file =
                download(((QueryOutcome.Succeeded) done).resultUrls().get(0));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(file.body().length).isGreaterThan(1000);
        assertThat(new String(Arrays.copyOfRange(file.body(), 4, 8), StandardCharsets.US_ASCII))
                .isEqualTo("ftyp");
        // and it decodes: a player can show it
        Picture first = FrameGrab.createFrameGrab(
                        new ByteBufferSeekableByteChannel(ByteBuffer.wrap(file.body()), file.body().length))
                .getNativeFrame();
        assertThat(first).isNotNull();
        assertThat(first.getWidth()).isEqualTo(320);
    }

    @Test
    void withFailureRateOneTasksFailAndHaveNoFile() throws Exception {
        simulator.setFailureRate(1.0);
        simulator.setImageDuration(Duration.ZERO);

        String taskId = accept(
                gateway.submit(new SubmitRequest("job-9", "google/nano-banana", Map.of("prompt", "doomed"), null)));

        assertThat(gateway.query("google/nano-banana", taskId))
                .isEqualTo(new QueryOutcome.Failed("500", "Simulated generation failure"));
        URI file = URI.create(simulator.baseUrl() + "/files/" + taskId + "/output.png");
        assertThat(download(file).statusCode()).isEqualTo(404);
    }

    @Test
    void outOfCreditsAnswers402() {
        simulator.setOutOfCredits(true);

        SubmitOutcome outcome =
                gateway.submit(new SubmitRequest("job-10", "google/nano-banana", Map.of("prompt", "a boat"), null));

        ProviderError error = ((SubmitOutcome.Rejected) outcome).error();
        assertThat(error.kind()).isEqualTo(Kind.INSUFFICIENT_CREDITS);
        assertThat(error.code()).isEqualTo(402);
        assertThat(error.message()).isEqualTo("insufficient credits");
    }

    @Test
    void eachTaskCostsSimulatedProviderCredits() {
        long before = simulator.balance();

        accept(gateway.submit(new SubmitRequest("job-11", "google/nano-banana", Map.of("prompt", "a kite"), null)));

        assertThat(gateway.balance()).isEqualTo(new BalanceOutcome.Known(before - KieSimulator.IMAGE_COST));
    }

    @Test
    void createTaskWaitsForNoSharedRowSoSubmitsDoNotQueueBehindEachOther() throws Exception {
        // Another transaction keeps the simulated account row locked, as every in-flight createTask
        // did to all the others while each one debited that single row.
        try (java.sql.Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (var lock = other.createStatement()) {
                lock.execute("select balance from sim_account where id = 1 for update");
            }
            try {
                CompletableFuture<SubmitOutcome> submit = CompletableFuture.supplyAsync(() -> gateway.submit(
                        new SubmitRequest("job-lock", "google/nano-banana", Map.of("prompt", "a bell"), null)));

                assertThat(submit.get(10, TimeUnit.SECONDS)).isInstanceOf(SubmitOutcome.Accepted.class);
            } finally {
                other.rollback();
            }
        }
    }

    @Test
    void theSimulatorChecksTheBearerKeyAndKnowsItsTasks() throws Exception {
        HttpResponse<String> wrongKey = http.send(
                HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/api/v1/jobs/createTask"))
                        .header("Authorization", "Bearer not-the-key")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"google/nano-banana\",\"input\":{\"prompt\":\"x\"}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(wrongKey.body()).contains("\"code\":401");

        assertThat(((QueryOutcome.Unavailable) gateway.query("google/nano-banana", "0123456789abcdef0123456789abcdef"))
                        .error()
                        .kind())
                .isEqualTo(Kind.NOT_FOUND);
        SubmitOutcome noPrompt = gateway.submit(new SubmitRequest("job-12", "google/nano-banana", Map.of(), null));
        assertThat(((SubmitOutcome.Rejected) noPrompt).error().kind()).isEqualTo(Kind.VALIDATION);
    }
}
