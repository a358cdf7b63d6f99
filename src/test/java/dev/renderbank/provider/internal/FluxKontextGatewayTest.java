package dev.renderbank.provider.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * flux-kontext-pro and -max against KIE's Flux Kontext API as docs.kie.ai documents it
 * (flux-kontext-api/generate-or-edit-image, get-image-details): a flat create body, record-info's
 * {@code successFlag}, and the same reading of errors and lost answers as at createTask.
 */
class FluxKontextGatewayTest {

    @RegisterExtension
    static WireMockExtension kie = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String GENERATE = "/api/v1/flux/kontext/generate";
    private static final String RECORD = "/api/v1/flux/kontext/record-info";

    private KieHttpGateway gateway;

    @BeforeEach
    void setUp() {
        gateway = new KieHttpGateway(
                () -> new KieEndpoint(URI.create(kie.baseUrl()), "test-key"),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                KieHttpGateway.defaultBreaker(),
                new SimpleMeterRegistry());
    }

    private static SubmitRequest request(String model) {
        return new SubmitRequest(
                "job-1",
                model,
                Map.of("prompt", "a fox", "inputImage", "https://cdn.example.com/ref.png", "outputFormat", "png"),
                "https://app.example/api/provider/kie/callback/job-1?token=abc");
    }

    private static void stubRecord(String taskId, String data) {
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo(taskId))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":" + data + "}")));
    }

    @Test
    void createGoesToTheFluxKontextApiWithAFlatBody() {
        kie.stubFor(
                post(GENERATE).willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"fk-1\"}}")));

        assertThat(gateway.submit(request("flux-kontext-max"))).isEqualTo(new SubmitOutcome.Accepted("fk-1"));

        kie.verify(postRequestedFor(urlPathEqualTo(GENERATE))
                .withHeader("Authorization", equalTo("Bearer test-key"))
                .withRequestBody(equalToJson("{\"model\":\"flux-kontext-max\","
                        + "\"callBackUrl\":\"https://app.example/api/provider/kie/callback/job-1?token=abc\","
                        + "\"prompt\":\"a fox\",\"inputImage\":\"https://cdn.example.com/ref.png\","
                        + "\"outputFormat\":\"png\"}")));
        assertThat(kie.countRequestsMatching(anyRequestedFor(urlPathEqualTo("/api/v1/jobs/createTask"))
                                .build())
                        .getCount())
                .isZero();
    }

    /**
     * A job accepted before these models moved to this API, still unsubmitted (retrying after 429 or
     * an open circuit), keeps its input in createTask's shape: sent as it is, an edit would become
     * text-to-image. Its names are translated to this API's.
     */
    @Test
    void anInputStoredInCreateTaskShapeIsSentInThisApisNames() {
        kie.stubFor(
                post(GENERATE).willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"fk-2\"}}")));
        SubmitRequest stored = new SubmitRequest(
                "job-2",
                "flux-kontext-pro",
                "{\"prompt\":\"a fox\",\"image_urls\":[\"https://cdn.example.com/ref.png\","
                        + "\"https://cdn.example.com/other.png\"],\"output_format\":\"jpg\",\"resolution\":\"2K\"}",
                "https://app.example/api/provider/kie/callback/job-2?token=abc");

        assertThat(gateway.submit(stored)).isEqualTo(new SubmitOutcome.Accepted("fk-2"));

        kie.verify(postRequestedFor(urlPathEqualTo(GENERATE))
                .withRequestBody(equalToJson("{\"model\":\"flux-kontext-pro\","
                        + "\"callBackUrl\":\"https://app.example/api/provider/kie/callback/job-2?token=abc\","
                        + "\"prompt\":\"a fox\",\"inputImage\":\"https://cdn.example.com/ref.png\","
                        + "\"outputFormat\":\"jpeg\"}")));
    }

    @ParameterizedTest
    @CsvSource({
        "402, 402, REJECTED",
        "200, 402, REJECTED",
        "422, 422, REJECTED",
        "200, 501, REJECTED",
        "429, 429, RETRY",
        "200, 455, RETRY",
        "500, 500, UNKNOWN"
    })
    void createAnswersAreReadAsAtCreateTask(int status, int code, String expected) {
        kie.stubFor(post(GENERATE)
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":" + code + ",\"msg\":\"no\",\"data\":null}")));

        SubmitOutcome outcome = gateway.submit(request("flux-kontext-pro"));

        switch (expected) {
            case "REJECTED" -> assertThat(outcome).isInstanceOf(SubmitOutcome.Rejected.class);
            case "RETRY" -> assertThat(outcome).isInstanceOf(SubmitOutcome.RetryLater.class);
            default -> assertThat(outcome).isInstanceOf(SubmitOutcome.Unknown.class);
        }
        if (outcome instanceof SubmitOutcome.Rejected r && code == 402) {
            assertThat(r.error().kind()).isEqualTo(Kind.INSUFFICIENT_CREDITS);
        }
    }

    @Test
    void aLostAnswerIsUnknownAndSentOnce() {
        kie.stubFor(post(GENERATE).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThat(gateway.submit(request("flux-kontext-pro"))).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(kie.countRequestsMatching(
                                postRequestedFor(urlPathEqualTo(GENERATE)).build())
                        .getCount())
                .isEqualTo(1);
    }

    @Test
    void recordInfoFlagsAreReadAsRunningSucceededOrFailed() {
        stubRecord("g", "{\"taskId\":\"g\",\"successFlag\":0,\"response\":null}");
        stubRecord(
                "ok",
                "{\"taskId\":\"ok\",\"successFlag\":1,\"response\":{"
                        + "\"originImageUrl\":\"https://example.com/original.jpg\","
                        + "\"resultImageUrl\":\"https://example.com/result.jpg\"},\"errorCode\":null,\"errorMessage\":\"\"}");
        stubRecord("c", "{\"taskId\":\"c\",\"successFlag\":2,\"errorCode\":null,\"errorMessage\":\"\"}");
        stubRecord("f", "{\"taskId\":\"f\",\"successFlag\":\"3\",\"errorCode\":400,\"errorMessage\":\"flagged\"}");

        assertThat(gateway.query("flux-kontext-pro", "g")).isEqualTo(new QueryOutcome.Running("generating", -1));
        assertThat(gateway.query("flux-kontext-pro", "ok"))
                .isEqualTo(new QueryOutcome.Succeeded(List.of(URI.create("https://example.com/result.jpg"))));
        assertThat(gateway.query("flux-kontext-max", "c"))
                .isEqualTo(new QueryOutcome.Failed("unknown", "The provider could not create the task"));
        assertThat(gateway.query("flux-kontext-max", "f")).isEqualTo(new QueryOutcome.Failed("400", "flagged"));
    }

    @Test
    void recordsThatTellNothingYetAreAskedAgain() {
        stubRecord("no-url", "{\"taskId\":\"no-url\",\"successFlag\":1,\"response\":{\"resultImageUrl\":\"\"}}");
        stubRecord("no-flag", "{\"taskId\":\"no-flag\"}");

        assertThat(((QueryOutcome.Unavailable) gateway.query("flux-kontext-pro", "no-url"))
                        .error()
                        .kind())
                .isEqualTo(Kind.INCOMPLETE_RECORD);
        assertThat(((QueryOutcome.Unavailable) gateway.query("flux-kontext-pro", "no-flag"))
                        .error()
                        .kind())
                .isEqualTo(Kind.RECORD_WITHOUT_STATE);
    }

    @Test
    void recordInfoErrorsAreReadAsAtRecordInfo() {
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("gone"))
                .willReturn(aResponse().withStatus(501).withBody("{\"code\":501,\"msg\":\"Generation failed\"}")));
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("poor"))
                .willReturn(okJson("{\"code\":402,\"msg\":\"insufficient credits\"}")));
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("busy"))
                .willReturn(aResponse().withStatus(429)));

        assertThat(gateway.query("flux-kontext-pro", "gone"))
                .isEqualTo(new QueryOutcome.Failed("501", "Generation failed"));
        assertThat(((QueryOutcome.Unavailable) gateway.query("flux-kontext-pro", "poor"))
                        .error()
                        .kind())
                .isEqualTo(Kind.INSUFFICIENT_CREDITS);
        assertThat(((QueryOutcome.Unavailable) gateway.query("flux-kontext-pro", "busy"))
                        .error()
                        .kind())
                .isEqualTo(Kind.RATE_LIMITED);
    }
}
