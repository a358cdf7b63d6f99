package dev.renderbank.provider.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A 501 is KIE's "generation failed" only as KIE's own answer, the body's {@code code} (SPEC section
 * 5). A 501 status without it (no body, a proxy's HTML "Not Implemented", a body of another shape)
 * comes from a gateway between us and KIE: it says nothing about the task, which KIE (paid for it)
 * may still finish, so a record read answered so is asked again, and counts against the circuit
 * breaker like any other 5xx.
 */
class BareNotImplementedTest {

    @RegisterExtension
    static WireMockExtension kie = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String RECORD = "/api/v1/jobs/recordInfo";
    private static final String KONTEXT_RECORD = "/api/v1/flux/kontext/record-info";
    private static final String CREATE = "/api/v1/jobs/createTask";

    private KieHttpGateway gateway;

    @BeforeEach
    void setUp() {
        gateway = new KieHttpGateway(
                () -> new KieEndpoint(URI.create(kie.baseUrl()), "test-key"),
                Duration.ofMillis(500),
                Duration.ofSeconds(10),
                KieHttpGateway.defaultBreaker(),
                new SimpleMeterRegistry());
    }

    static java.util.stream.Stream<Supplier<ResponseDefinitionBuilder>> bare501s() {
        return java.util.stream.Stream.of(
                () -> aResponse().withStatus(501),
                () -> aResponse()
                        .withStatus(501)
                        .withHeader("Content-Type", "text/html")
                        .withBody("<html><head><title>501 Not Implemented</title></head>"
                                + "<body><h1>Not Implemented</h1><hr>nginx</body></html>"),
                () -> aResponse()
                        .withStatus(501)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"Not Implemented\"}"),
                () -> aResponse()
                        .withStatus(501)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-1\"}}"));
    }

    @ParameterizedTest
    @MethodSource("bare501s")
    void aRecordInfo501WithoutKiesBodyIsUnavailableToBeAskedAgain(Supplier<ResponseDefinitionBuilder> answer) {
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("t-1"))
                .willReturn(answer.get()));

        QueryOutcome outcome = gateway.query("nano-banana-pro", "t-1");

        assertThat(outcome).isInstanceOf(QueryOutcome.Unavailable.class);
        assertThat(((QueryOutcome.Unavailable) outcome).error().kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(((QueryOutcome.Unavailable) outcome).error().code()).isEqualTo(501);
    }

    @ParameterizedTest
    @MethodSource("bare501s")
    void aFluxKontextRecordInfo501WithoutKiesBodyIsUnavailableToBeAskedAgain(
            Supplier<ResponseDefinitionBuilder> answer) {
        kie.stubFor(get(urlPathEqualTo(KONTEXT_RECORD))
                .withQueryParam("taskId", equalTo("t-1"))
                .willReturn(answer.get()));

        QueryOutcome outcome = gateway.query("flux-kontext-pro", "t-1");

        assertThat(outcome).isInstanceOf(QueryOutcome.Unavailable.class);
        assertThat(((QueryOutcome.Unavailable) outcome).error().kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    /** KIE's own 501, in its body, is the task's failure whatever the status around it. */
    @Test
    void kiesOwn501BodyIsStillTheTasksFailure() {
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("t-1"))
                .willReturn(aResponse()
                        .withStatus(501)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":501,\"message\":\"Generation failed\"}")));
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("t-2"))
                .willReturn(okJson("{\"code\":\"501\",\"message\":\"Generation failed\"}")));
        kie.stubFor(get(urlPathEqualTo(KONTEXT_RECORD))
                .withQueryParam("taskId", equalTo("t-3"))
                .willReturn(okJson("{\"code\":501,\"msg\":\"Generation failed\"}")));

        assertThat(gateway.query("nano-banana-pro", "t-1"))
                .isEqualTo(new QueryOutcome.Failed("501", "Generation failed"));
        assertThat(gateway.query("nano-banana-pro", "t-2"))
                .isEqualTo(new QueryOutcome.Failed("501", "Generation failed"));
        assertThat(gateway.query("flux-kontext-pro", "t-3"))
                .isEqualTo(new QueryOutcome.Failed("501", "Generation failed"));
    }

    @Test
    void aStormOfBare501sOpensTheBreakerLikeOther5xx() {
        kie.stubFor(get(urlPathEqualTo(RECORD)).willReturn(aResponse().withStatus(501)));

        for (int i = 0; i < 10; i++) {
            assertThat(gateway.query("nano-banana-pro", "t-" + i)).isInstanceOf(QueryOutcome.Unavailable.class);
        }

        assertThat(gateway.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(((QueryOutcome.Unavailable) gateway.query("nano-banana-pro", "t-x"))
                        .error()
                        .message())
                .contains("circuit breaker open");
        kie.verify(10, getRequestedFor(urlPathEqualTo(RECORD)));
    }

    /**
     * At createTask a bare 501 (a proxy that did not implement, so did not forward, the request) is
     * still a refusal that created no task, never sent again; its kind says the provider's way was
     * unavailable, not that a generation failed.
     */
    @Test
    void aBare501AtCreateTaskIsARefusalOfAnUnavailableGatewayNotAFailedGeneration() {
        kie.stubFor(post(CREATE).willReturn(aResponse().withStatus(501).withBody("<html>Not Implemented</html>")));

        SubmitOutcome outcome =
                gateway.submit(new SubmitRequest("job-1", "nano-banana-pro", "{\"prompt\":\"a cat\"}", null));

        assertThat(outcome).isInstanceOf(SubmitOutcome.Rejected.class);
        assertThat(((SubmitOutcome.Rejected) outcome).error().kind()).isEqualTo(Kind.UNAVAILABLE);
    }
}
