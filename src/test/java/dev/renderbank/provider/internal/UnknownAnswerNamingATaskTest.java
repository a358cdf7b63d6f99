package dev.renderbank.provider.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A createTask answer that may have created a task ({@link SubmitOutcome.Unknown}) but names one
 * ({@code data.taskId}: a gateway's 503 around KIE's success, a 2xx whose code is not 200) keeps
 * that task's id: the provider may be working on it, paid, and only by its id can it be asked about.
 * An answer naming none, or an id no job could record, carries none; a refusal stays a refusal.
 */
class UnknownAnswerNamingATaskTest {

    @RegisterExtension
    static WireMockExtension kie = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

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

    @ParameterizedTest(name = "HTTP {0} with body {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "503 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-x\"}}",
                "502 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-x\"}}",
                "500 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-x\"}}",
                "408 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-x\"}}",
                "429 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-x\"}}",
                "200 | {\"code\":500,\"msg\":\"internal error\",\"data\":{\"taskId\":\"t-x\"}}",
                "200 | {\"code\":\"success\",\"data\":{\"taskId\":\"t-x\"}}",
                "202 | {\"msg\":\"success\",\"data\":{\"taskId\":\"t-x\"}}"
            })
    void anUnknownAnswerNamingATaskCarriesItsId(int status, String body) {
        answer(status, body);

        SubmitOutcome outcome = gateway.submit(request());

        assertThat(outcome).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(((SubmitOutcome.Unknown) outcome).providerTaskId()).hasValue("t-x");
        kie.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
    }

    @ParameterizedTest(name = "HTTP {0} with body {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "503 | ",
                "502 | <html>bad gateway</html>",
                "500 | {\"code\":500,\"msg\":\"internal error\"}",
                "503 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"\"}}",
                "503 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":{\"id\":\"t-x\"}}}",
                "503 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t\\u0000x\"}}",
                "200 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t\\u001bx\"}}"
            })
    void anUnknownAnswerNamingNoRecordableTaskCarriesNone(int status, String body) {
        answer(status, body);

        SubmitOutcome outcome = gateway.submit(request());

        assertThat(outcome).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(((SubmitOutcome.Unknown) outcome).providerTaskId()).isEqualTo(Optional.empty());
    }

    /** A refusal proves no task exists, whatever id its body names: still a refusal. */
    @ParameterizedTest(name = "HTTP {0} with body {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "422 | {\"code\":422,\"msg\":\"bad input\",\"data\":{\"taskId\":\"t-x\"}}",
                "200 | {\"code\":429,\"msg\":\"rate limited\",\"data\":{\"taskId\":\"t-x\"}}"
            })
    void aRefusalNamingATaskIsStillARefusal(int status, String body) {
        answer(status, body);

        assertThat(gateway.submit(request())).isNotInstanceOf(SubmitOutcome.Unknown.class);
    }

    private static void answer(int status, String body) {
        var answer = aResponse().withStatus(status);
        if (body != null) {
            answer = answer.withHeader("Content-Type", "application/json").withBody(body);
        }
        kie.stubFor(post(CREATE).willReturn(answer));
    }

    private static SubmitRequest request() {
        return new SubmitRequest("job-1", "nano-banana-pro", "{\"prompt\":\"a cat\"}", null);
    }
}
