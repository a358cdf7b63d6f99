package dev.renderbank.provider.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The KIE.ai client against WireMock speaking the documented wire shapes (SPEC section 5). */
class KieHttpGatewayTest {

    @RegisterExtension
    static WireMockExtension kie = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String CREATE = "/api/v1/jobs/createTask";
    private static final String RECORD = "/api/v1/jobs/recordInfo";
    private static final String CREDIT = "/api/v1/chat/credit";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private KieHttpGateway gateway;

    @BeforeEach
    void setUp() {
        // generous: a loaded machine must not turn a slow first answer into a timeout
        gateway = gatewayTo(URI.create(kie.baseUrl()), Duration.ofSeconds(10));
    }

    private KieHttpGateway gatewayTo(URI base, Duration readTimeout) {
        return new KieHttpGateway(
                () -> new KieEndpoint(base, "test-key"),
                Duration.ofMillis(500),
                readTimeout,
                KieHttpGateway.defaultBreaker(),
                meters);
    }

    private KieHttpGateway gatewayTo(URI base, Duration readTimeout, Duration totalTimeout) {
        return new KieHttpGateway(
                () -> new KieEndpoint(base, "test-key"),
                Duration.ofMillis(500),
                readTimeout,
                totalTimeout,
                KieHttpGateway.defaultBreaker(),
                meters);
    }

    /** Pauses of 0.5 s between the answer's pieces, 10 s in all: each pause well within a 2 s read timeout. */
    private static final int DRIP_CHUNKS = 20;

    private static final int DRIP_MILLIS = 10_000;
    private static final Duration DRIP_READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration TOTAL_TIMEOUT = Duration.ofMillis(1500);

    /** The total timeout, and a second for a loaded machine to end the call once cut. */
    private static final Duration ENDS_WITHIN = TOTAL_TIMEOUT.plusSeconds(1);

    private static <T> T timed(java.util.function.Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the call ends at the total timeout, not when the dripping answer is whole")
                .isLessThan(ENDS_WITHIN);
        return result;
    }

    /**
     * A createTask answer dripped a few bytes at a time, each pause within the read timeout, is cut at
     * the total timeout (the read timeout alone bounds a pause, not the answer): the submit thread is
     * free again, and the outcome is Unknown, as the request was sent and a task may exist; it is
     * never sent again.
     */
    @Test
    void aDrippedCreateTaskAnswerIsCutAtTheTotalTimeoutAndIsUnknown() {
        kie.stubFor(post(CREATE)
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-drip\"}}")
                        .withChunkedDribbleDelay(DRIP_CHUNKS, DRIP_MILLIS)));
        KieHttpGateway bounded = gatewayTo(URI.create(kie.baseUrl()), DRIP_READ_TIMEOUT, TOTAL_TIMEOUT);

        SubmitOutcome outcome = timed(() -> bounded.submit(request()));

        assertThat(outcome).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(((SubmitOutcome.Unknown) outcome).why()).contains("total timeout");
        kie.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
    }

    /** A dripped recordInfo or credit answer is cut the same way: a timeout, asked again later. */
    @Test
    void aDrippedRecordInfoOrCreditAnswerIsCutAtTheTotalTimeoutAndIsATimeoutToAskAgain() {
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-1\","
                                + "\"state\":\"generating\"}}")
                        .withChunkedDribbleDelay(DRIP_CHUNKS, DRIP_MILLIS)));
        kie.stubFor(get(CREDIT)
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":123456789}")
                        .withChunkedDribbleDelay(DRIP_CHUNKS, DRIP_MILLIS)));
        KieHttpGateway bounded = gatewayTo(URI.create(kie.baseUrl()), DRIP_READ_TIMEOUT, TOTAL_TIMEOUT);

        QueryOutcome query = timed(() -> bounded.query("nano-banana-pro", "t-1"));
        BalanceOutcome balance = timed(bounded::balance);

        assertThat(((QueryOutcome.Unavailable) query).error().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(((QueryOutcome.Unavailable) query).error().message()).contains("total timeout");
        assertThat(((BalanceOutcome.Unavailable) balance).error().kind()).isEqualTo(Kind.TIMEOUT);
    }

    private static SubmitRequest request() {
        return new SubmitRequest(
                "job-1",
                "sora-2-text-to-video",
                Map.of("prompt", "a cat surfing", "aspect_ratio", "landscape", "n_frames", "10"),
                "https://app.example/api/provider/kie/callback/job-1?token=abc");
    }

    @Test
    void createTaskSendsTheKieShapeWithTheBearerKey() {
        kie.stubFor(
                post(CREATE).willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-1\"}}")));

        assertThat(gateway.submit(request())).isEqualTo(new SubmitOutcome.Accepted("t-1"));

        kie.verify(
                postRequestedFor(urlPathEqualTo(CREATE))
                        .withHeader("Authorization", equalTo("Bearer test-key"))
                        .withRequestBody(
                                equalToJson(
                                        "{\"model\":\"sora-2-text-to-video\","
                                                + "\"callBackUrl\":\"https://app.example/api/provider/kie/callback/job-1?token=abc\","
                                                + "\"input\":{\"prompt\":\"a cat surfing\",\"aspect_ratio\":\"landscape\",\"n_frames\":\"10\"}}")));
        assertThat(meters.counter(
                                "renderbank.provider.calls",
                                "operation",
                                "submit",
                                "outcome",
                                "accepted",
                                "error",
                                "none")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aJobsStoredInputGoesOutAsItIsInsideTheKieShape() {
        kie.stubFor(
                post(CREATE).willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-2\"}}")));
        String stored = "{\"prompt\":\"a \\\"quoted\\\" cat, ünïcode\\n\",\"image_urls\":[\"https://x/a.png\"],"
                + "\"aspect_ratio\":\"portrait\",\"n_frames\":\"15\"}";

        assertThat(gateway.submit(new SubmitRequest("job-2", "sora-2-image-to-video", stored, null)))
                .isEqualTo(new SubmitOutcome.Accepted("t-2"));

        kie.verify(postRequestedFor(urlPathEqualTo(CREATE))
                .withRequestBody(equalToJson("{\"model\":\"sora-2-image-to-video\",\"input\":" + stored + "}")));
    }

    @ParameterizedTest(name = "HTTP {0} / code {1} -> {2}")
    @CsvSource({
        "402, 402, INSUFFICIENT_CREDITS",
        "200, 402, INSUFFICIENT_CREDITS",
        "401, 401, UNAUTHORIZED",
        "200, 401, UNAUTHORIZED",
        "404, 404, NOT_FOUND",
        "422, 422, VALIDATION",
        "501, 501, GENERATION_FAILED",
        "200, 501, GENERATION_FAILED",
        "505, 505, FEATURE_DISABLED",
    })
    void refusalsAtCreateTaskAreClassifiedByStatusAndBodyCode(int httpStatus, int bodyCode, Kind expected) {
        kie.stubFor(post(CREATE)
                .willReturn(aResponse()
                        .withStatus(httpStatus)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":" + bodyCode + ",\"msg\":\"provider says no\",\"data\":null}")));

        SubmitOutcome outcome = gateway.submit(request());

        assertThat(outcome).isInstanceOf(SubmitOutcome.Rejected.class);
        ProviderError error = ((SubmitOutcome.Rejected) outcome).error();
        assertThat(error.kind()).isEqualTo(expected);
        assertThat(error.code()).isEqualTo(bodyCode);
        assertThat(error.message()).isEqualTo("provider says no");
    }

    @ParameterizedTest(name = "HTTP {0} / code {1} -> {2}")
    @CsvSource({
        "429, 429, RATE_LIMITED",
        "200, 429, RATE_LIMITED",
        "455, 455, UNAVAILABLE",
        "200, 455, UNAVAILABLE",
    })
    void rateLimitAndMaintenanceAtCreateTaskMayBeSentAgain(int httpStatus, int bodyCode, Kind expected) {
        kie.stubFor(post(CREATE)
                .willReturn(aResponse()
                        .withStatus(httpStatus)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":" + bodyCode + ",\"msg\":\"not now\"}")));

        SubmitOutcome outcome = gateway.submit(request());

        assertThat(outcome).isInstanceOf(SubmitOutcome.RetryLater.class);
        assertThat(((SubmitOutcome.RetryLater) outcome).error().kind()).isEqualTo(expected);
        assertThat(((SubmitOutcome.RetryLater) outcome).error().code()).isEqualTo(bodyCode);
    }

    @Test
    void aBareHttpErrorWithoutBodyIsClassifiedByItsStatus() {
        kie.stubFor(post(CREATE).willReturn(aResponse().withStatus(402)));
        assertThat(((SubmitOutcome.Rejected) gateway.submit(request())).error().kind())
                .isEqualTo(Kind.INSUFFICIENT_CREDITS);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {408, 500, 502, 503, 504, 599, 302})
    void anErrorThatMayHaveCreatedATaskIsUnknown(int status) {
        kie.stubFor(post(CREATE).willReturn(aResponse().withStatus(status)));
        assertThat(gateway.submit(request())).isInstanceOf(SubmitOutcome.Unknown.class);
    }

    /**
     * A status saying the request may have been handled (a gateway's 502 or 504, a 500 or 503, a 408,
     * a redirect) is not overruled by a body code: a code saying "no task" (429, 455, a refusal) may
     * be a proxy's copy of an earlier answer or KIE's word about something else, so it does not prove
     * that no task exists; nor does a 429 status whose body reports a created task. Unknown, and
     * never sent again (a second createTask could pay the provider twice).
     */
    @ParameterizedTest(name = "HTTP {0} with body {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "502 | {\"code\":455,\"msg\":\"service unavailable\"}",
                "504 | {\"code\":429,\"msg\":\"rate limited\"}",
                "500 | {\"code\":455,\"msg\":\"maintenance\"}",
                "503 | {\"code\":429,\"msg\":\"busy\"}",
                "408 | {\"code\":429,\"msg\":\"rate limited\"}",
                "302 | {\"code\":455,\"msg\":\"maintenance\"}",
                "502 | {\"code\":422,\"msg\":\"bad input\"}",
                "504 | {\"code\":402,\"msg\":\"insufficient credits\"}",
                "429 | {\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-1\"}}"
            })
    void aStatusThatContradictsTheBodyCodeIsUnknownAndNotSentAgain(int status, String body) {
        kie.stubFor(post(CREATE)
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody(body)));

        assertThat(gateway.submit(request())).isInstanceOf(SubmitOutcome.Unknown.class);
        kie.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "{\"code\":500,\"msg\":\"internal error\"}",
                "{\"code\":408,\"msg\":\"timeout\"}",
                "{\"code\":\"success\",\"data\":{\"taskId\":\"t-1\"}}",
                "{\"code\":200.5,\"data\":{\"taskId\":\"t-1\"}}",
                "{\"code\":null,\"data\":{\"taskId\":\"t-1\"}}",
                "{\"msg\":\"success\",\"data\":{\"taskId\":\"t-1\"}}",
                "{\"code\":200,\"msg\":\"success\",\"data\":{}}",
                "[200]"
            })
    void aSuccessStatusWhoseBodyCodeIsNotAReadable200IsUnknown(String body) {
        kie.stubFor(post(CREATE).willReturn(aResponse().withStatus(200).withBody(body)));
        assertThat(gateway.submit(request())).isInstanceOf(SubmitOutcome.Unknown.class);
    }

    /** An answer sent in chunks, without a declared length, is read as a whole (UTF-8 included). */
    @Test
    void aChunkedAnswerIsReadWhole() {
        kie.stubFor(post(CREATE)
                .willReturn(okJson("{\"code\":200,\"msg\":\"s\u00fcccess " + "x".repeat(5000)
                                + "\",\"data\":{\"taskId\":\"t-\u00e9\"}}")
                        .withChunkedDribbleDelay(7, 50)));
        assertThat(gateway.submit(request())).isEqualTo(new SubmitOutcome.Accepted("t-\u00e9"));
    }

    /**
     * An answer larger than {@link KieHttpClient#MAX_ANSWER_BYTES} is not read into memory, with its
     * length declared or not: after a createTask the outcome is unknown (it was sent; never sent again).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anAnswerTooLargeToReadIsUnknownAtSubmit(boolean chunked) {
        String huge = "{\"code\":200,\"msg\":\"" + "x".repeat(KieHttpClient.MAX_ANSWER_BYTES)
                + "\",\"data\":{\"taskId\":\"t-2\"}}";
        var answer = okJson(huge);
        kie.stubFor(post(CREATE).willReturn(chunked ? answer.withChunkedDribbleDelay(4, 20) : answer));
        assertThat(gateway.submit(request())).isInstanceOf(SubmitOutcome.Unknown.class);
    }

    @Test
    void aBodyCodeWrittenAsDigitsIsRead() {
        kie.stubFor(post(CREATE)
                .willReturn(okJson("{\"code\":\"200\",\"msg\":\"success\",\"data\":{\"taskId\":\"t-9\"}}")));
        assertThat(gateway.submit(request())).isEqualTo(new SubmitOutcome.Accepted("t-9"));
    }

    @Test
    void aReadTimeoutAtSubmitIsUnknownNotFailed() {
        kie.stubFor(post(CREATE)
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"late\"}}")
                        .withFixedDelay(1500)));
        KieHttpGateway impatient = gatewayTo(URI.create(kie.baseUrl()), Duration.ofMillis(300));

        assertThat(impatient.submit(request())).isInstanceOf(SubmitOutcome.Unknown.class);
        kie.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
    }

    /**
     * The provider may have created the task before the connection broke: the outcome is Unknown,
     * and the client never sends the createTask again by itself (KIE has no idempotency key).
     */
    @ParameterizedTest
    @EnumSource(
            value = Fault.class,
            names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "RANDOM_DATA_THEN_CLOSE"})
    void aConnectionBrokenAfterTheCreateTaskWasSentIsUnknownAndNotSentAgain(Fault fault) {
        kie.stubFor(post(CREATE).willReturn(aResponse().withFault(fault)));

        assertThat(gateway.submit(request())).isInstanceOf(SubmitOutcome.Unknown.class);
        kie.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
    }

    @Test
    void aSuccessWithoutReadableBodyAtSubmitIsUnknown() {
        kie.stubFor(post(CREATE).willReturn(aResponse().withStatus(200).withBody("<html>gateway</html>")));
        assertThat(gateway.submit(request())).isInstanceOf(SubmitOutcome.Unknown.class);
    }

    @Test
    void aConnectFailureAtSubmitMayBeSentAgainBecauseNothingWasSent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        KieHttpGateway nowhere = gatewayTo(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(1));

        SubmitOutcome outcome = nowhere.submit(request());

        assertThat(outcome).isInstanceOf(SubmitOutcome.RetryLater.class);
        assertThat(((SubmitOutcome.RetryLater) outcome).error().kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    /**
     * A TLS handshake refused (a certificate no trust store knows, as an expired one or a proxy's, or a
     * server that does not speak TLS): the connection never came up, nothing of the createTask was
     * written, so it may be sent again. It was read as "maybe sent": the job waited for its deadline.
     */
    @Test
    void aTlsHandshakeRefusedAtSubmitMayBeSentAgainBecauseNothingWasSent() {
        String created = "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-1\"}}";
        kie.stubFor(post(CREATE).willReturn(okJson(created)));
        WireMockServer selfSigned =
                new WireMockServer(wireMockConfig().dynamicPort().dynamicHttpsPort());
        selfSigned.start();
        try {
            selfSigned.stubFor(post(CREATE).willReturn(okJson(created)));
            KieHttpGateway untrusted =
                    gatewayTo(URI.create("https://localhost:" + selfSigned.httpsPort()), Duration.ofSeconds(1));
            KieHttpGateway notTls = gatewayTo(URI.create("https://127.0.0.1:" + kie.getPort()), Duration.ofSeconds(1));

            for (KieHttpGateway refused : List.of(untrusted, notTls)) {
                SubmitOutcome outcome = refused.submit(request());
                assertThat(outcome).isInstanceOf(SubmitOutcome.RetryLater.class);
                assertThat(((SubmitOutcome.RetryLater) outcome).error().kind()).isEqualTo(Kind.UNAVAILABLE);
            }
            selfSigned.verify(0, postRequestedFor(urlPathEqualTo(CREATE)));
            kie.verify(0, postRequestedFor(urlPathEqualTo(CREATE)));
        } finally {
            selfSigned.stop();
        }
    }

    @Test
    void aStormOf5xxOpensTheBreakerAndThenNothingIsSent() {
        kie.stubFor(post(CREATE).willReturn(aResponse().withStatus(500)));

        for (int i = 0; i < 10; i++) {
            assertThat(gateway.submit(request())).isInstanceOf(SubmitOutcome.Unknown.class);
        }
        assertThat(gateway.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);

        SubmitOutcome whileOpen = gateway.submit(request());
        assertThat(((SubmitOutcome.RetryLater) whileOpen).error().message()).contains("circuit breaker open");
        assertThat(gateway.query("nano-banana-pro", "t-1")).isInstanceOf(QueryOutcome.Unavailable.class);
        kie.verify(10, postRequestedFor(urlPathEqualTo(CREATE)));
        kie.verify(0, getRequestedFor(urlPathEqualTo(RECORD)));
    }

    @Test
    void clearRefusalsDoNotOpenTheBreaker() {
        kie.stubFor(post(CREATE).willReturn(aResponse().withStatus(422).withBody("{\"code\":422,\"msg\":\"bad\"}")));
        for (int i = 0; i < 15; i++) {
            gateway.submit(request());
        }
        assertThat(gateway.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void recordInfoWhileRunningReportsStateAndProgress() {
        stubRecord("t-1", "{\"taskId\":\"t-1\",\"state\":\"generating\",\"progress\":42}");
        stubRecord("t-2", "{\"taskId\":\"t-2\",\"state\":\"queuing\"}");
        stubRecord("t-3", "{\"taskId\":\"t-3\",\"state\":\"waiting\",\"progress\":\"7\"}");

        assertThat(gateway.query("nano-banana-pro", "t-1")).isEqualTo(new QueryOutcome.Running("generating", 42));
        assertThat(gateway.query("nano-banana-pro", "t-2")).isEqualTo(new QueryOutcome.Running("queuing", -1));
        assertThat(gateway.query("nano-banana-pro", "t-3")).isEqualTo(new QueryOutcome.Running("waiting", 7));
        kie.verify(getRequestedFor(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("t-1"))
                .withHeader("Authorization", equalTo("Bearer test-key")));
    }

    /**
     * A state KIE does not document is read as still running (the deadline ends the job if it is
     * final), and the operator is told of it once, not on every poll; the documented ones are quiet.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void anUndocumentedStateIsReadAsRunningAndLoggedOnce(CapturedOutput output) {
        stubRecord("t-1", "{\"taskId\":\"t-1\",\"state\":\"held-for-review\",\"progress\":30}");
        stubRecord("t-2", "{\"taskId\":\"t-2\",\"state\":\"generating\",\"progress\":42}");

        assertThat(gateway.query("nano-banana-pro", "t-1")).isEqualTo(new QueryOutcome.Running("held-for-review", 30));
        assertThat(gateway.query("nano-banana-pro", "t-1")).isEqualTo(new QueryOutcome.Running("held-for-review", 30));
        assertThat(gateway.query("nano-banana-pro", "t-2")).isEqualTo(new QueryOutcome.Running("generating", 42));

        assertThat(output.getOut().split("undocumented state", -1))
                .as("one warning for the two polls")
                .hasSize(2);
        assertThat(output.getOut())
                .contains("undocumented state 'held-for-review'")
                .doesNotContain("'generating'");
    }

    @Test
    void recordInfoSuccessReadsTheUrlsOutOfTheResultJsonString() {
        stubRecord(
                "t-1",
                "{\"taskId\":\"t-1\",\"model\":\"sora-2-text-to-video\",\"state\":\"success\","
                        + "\"resultJson\":\"{\\\"resultUrls\\\":[\\\"https://cdn.kie.example/a.mp4\\\","
                        + "\\\"https://cdn.kie.example/b.mp4\\\"]}\",\"failCode\":null,\"failMsg\":null,"
                        + "\"costTime\":120000,\"completeTime\":1700000000000,\"createTime\":1699999880000}");

        assertThat(gateway.query("nano-banana-pro", "t-1"))
                .isEqualTo(new QueryOutcome.Succeeded(List.of(
                        URI.create("https://cdn.kie.example/a.mp4"), URI.create("https://cdn.kie.example/b.mp4"))));
    }

    /** A record maybe still being written: asked again (the job fails only if it persists). */
    @Test
    void recordInfoSuccessWithoutUrlsIsAnIncompleteRecordToAskAgain() {
        stubRecord("t-1", "{\"taskId\":\"t-1\",\"state\":\"success\",\"resultJson\":\"\"}");
        stubRecord("t-2", "{\"taskId\":\"t-2\",\"state\":\"success\"}");
        assertThat(((QueryOutcome.Unavailable) gateway.query("nano-banana-pro", "t-1"))
                        .error()
                        .kind())
                .isEqualTo(Kind.INCOMPLETE_RECORD);
        assertThat(((QueryOutcome.Unavailable) gateway.query("nano-banana-pro", "t-2"))
                        .error()
                        .kind())
                .isEqualTo(Kind.INCOMPLETE_RECORD);
    }

    /** A 200 whose record has no state tells nothing of the task: asked again (the job fails only if it persists). */
    @Test
    void recordInfoWithoutAStateIsARecordWithoutStateToAskAgain() {
        stubRecord("t-1", "{\"taskId\":\"t-1\"}");
        stubRecord("t-2", "{\"taskId\":\"t-2\",\"state\":null}");
        stubRecord("t-3", "{\"taskId\":\"t-3\",\"state\":\"  \"}");
        for (String task : List.of("t-1", "t-2", "t-3")) {
            assertThat(((QueryOutcome.Unavailable) gateway.query("nano-banana-pro", task))
                            .error()
                            .kind())
                    .as(task)
                    .isEqualTo(Kind.RECORD_WITHOUT_STATE);
        }
    }

    /**
     * KIE's 501 ("generation failed", its body's code, under a 200 or a 501 status) is as final as a
     * record in state fail; a 501 status without that body is a gateway's ({@link BareNotImplementedTest}).
     */
    @Test
    void recordInfo501IsTheTasksFailure() {
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("t-1"))
                .willReturn(okJson("{\"code\":501,\"message\":\"Generation failed\"}")));
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("t-2"))
                .willReturn(aResponse().withStatus(501).withBody("{\"code\":501,\"message\":\"Generation failed\"}")));
        assertThat(gateway.query("nano-banana-pro", "t-1"))
                .isEqualTo(new QueryOutcome.Failed("501", "Generation failed"));
        assertThat(gateway.query("nano-banana-pro", "t-2"))
                .isEqualTo(new QueryOutcome.Failed("501", "Generation failed"));
    }

    @Test
    void recordInfoFailCarriesTheProvidersCodeAndMessage() {
        stubRecord(
                "t-1",
                "{\"taskId\":\"t-1\",\"state\":\"fail\",\"failCode\":\"400\",\"failMsg\":\"content policy violation\"}");

        assertThat(gateway.query("nano-banana-pro", "t-1"))
                .isEqualTo(new QueryOutcome.Failed("400", "content policy violation"));
    }

    @Test
    void recordInfoErrorsAndTimeoutsAreUnavailableToBeAskedAgain() {
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("gone"))
                // recordInfo puts its error text under "message", not "msg"
                .willReturn(aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"not found\"}")));
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo("slow"))
                .willReturn(okJson("{\"code\":200,\"data\":{\"state\":\"success\"}}")
                        .withFixedDelay(1500)));
        KieHttpGateway impatient = gatewayTo(URI.create(kie.baseUrl()), Duration.ofMillis(300));

        assertThat(((QueryOutcome.Unavailable) gateway.query("nano-banana-pro", "gone"))
                        .error()
                        .kind())
                .isEqualTo(Kind.NOT_FOUND);
        assertThat(((QueryOutcome.Unavailable) gateway.query("nano-banana-pro", "gone"))
                        .error()
                        .message())
                .isEqualTo("not found");
        assertThat(((QueryOutcome.Unavailable) impatient.query("nano-banana-pro", "slow"))
                        .error()
                        .kind())
                .isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void creditReadsTheAccountBalance() {
        kie.stubFor(get(CREDIT).willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":1234}")));
        assertThat(gateway.balance()).isEqualTo(new BalanceOutcome.Known(1234));

        kie.stubFor(get(CREDIT).willReturn(aResponse().withStatus(401).withBody("{\"code\":401,\"msg\":\"bad key\"}")));
        assertThat(((BalanceOutcome.Unavailable) gateway.balance()).error().kind())
                .isEqualTo(Kind.UNAUTHORIZED);
    }

    private static void stubRecord(String taskId, String data) {
        kie.stubFor(get(urlPathEqualTo(RECORD))
                .withQueryParam("taskId", equalTo(taskId))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":" + data + "}")));
    }
}
