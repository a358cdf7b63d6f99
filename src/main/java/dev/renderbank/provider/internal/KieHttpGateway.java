package dev.renderbank.provider.internal;

import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import dev.renderbank.provider.internal.KieExchanges.Exchange;
import dev.renderbank.provider.internal.KieExchanges.Result;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * KIE.ai over HTTP (also the simulator, which speaks the same protocol): createTask and recordInfo,
 * or the Flux Kontext API's own endpoints for the models it serves ({@link FluxKontext}). Every call
 * goes through one circuit breaker: when the provider keeps failing (timeouts, 5xx/455, 429) calls are refused as
 * UNAVAILABLE without being sent. A read timeout after a createTask was sent is {@link
 * SubmitOutcome.Unknown}: the task may exist, and KIE has no idempotency key to make a retry safe;
 * so is a createTask whose answer was cut at the total timeout (a recordInfo or credit call so cut is
 * a timeout, asked again later).
 *
 * <p>Here are the endpoints and what their answers mean ({@link KieOutcomes}, {@link FluxKontext});
 * the guarded exchange itself is {@link KieExchanges}, the meters {@link ProviderCallMetrics}.
 */
final class KieHttpGateway implements ProviderGateway {

    private static final Logger log = LoggerFactory.getLogger(KieHttpGateway.class);
    private static final JsonMapper JSON = JsonMapper.shared();

    private final Supplier<KieEndpoint> endpoint;
    private final KieHttpClient http;
    private final Duration totalTimeout;
    private final KieExchanges exchanges;
    private final ProviderCallMetrics metrics;

    /** With the default total timeout ({@link ProviderProperties.Kie#defaultTotalTimeout}). */
    KieHttpGateway(
            Supplier<KieEndpoint> endpoint,
            Duration connectTimeout,
            Duration readTimeout,
            CircuitBreakerConfig breakerConfig,
            MeterRegistry meters) {
        this(
                endpoint,
                connectTimeout,
                readTimeout,
                ProviderProperties.Kie.defaultTotalTimeout(connectTimeout, readTimeout),
                breakerConfig,
                meters,
                ProviderFailures.ignored());
    }

    KieHttpGateway(
            Supplier<KieEndpoint> endpoint,
            Duration connectTimeout,
            Duration readTimeout,
            Duration totalTimeout,
            CircuitBreakerConfig breakerConfig,
            MeterRegistry meters) {
        this(endpoint, connectTimeout, readTimeout, totalTimeout, breakerConfig, meters, ProviderFailures.ignored());
    }

    /** {@code failures}: told of every call's outcome, raises {@code provider.failing} on a long spell. */
    KieHttpGateway(
            Supplier<KieEndpoint> endpoint,
            Duration connectTimeout,
            Duration readTimeout,
            Duration totalTimeout,
            CircuitBreakerConfig breakerConfig,
            MeterRegistry meters,
            ProviderFailures failures) {
        this.endpoint = endpoint;
        this.totalTimeout = totalTimeout;
        this.http = new KieHttpClient(connectTimeout, readTimeout, totalTimeout);
        CircuitBreaker breaker = CircuitBreaker.of("kie", breakerConfig);
        this.metrics = new ProviderCallMetrics(breaker, meters);
        this.exchanges = new KieExchanges(readTimeout, breaker, metrics, failures);
    }

    /** Opens after half of the last 20 calls (at least 10) failed; tries again after 30 s. */
    static CircuitBreakerConfig defaultBreaker() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .permittedNumberOfCallsInHalfOpenState(2)
                .build();
    }

    CircuitBreaker.State breakerState() {
        return exchanges.breakerState();
    }

    /** Closes the breaker and forgets its window (tests that share one application context). */
    void resetBreaker() {
        exchanges.resetBreaker();
    }

    @Override
    public SubmitOutcome submit(SubmitRequest request) {
        KieEndpoint target = endpoint.get();
        boolean kontext = FluxKontext.serves(request.providerModel());
        URI uri = target.resolve(kontext ? FluxKontext.GENERATE : "/api/v1/jobs/createTask");
        String json = kontext ? FluxKontext.generateBody(request) : createTaskBody(request);
        String call = kontext ? "fluxKontextGenerate" : "createTask";
        Exchange x = exchanges.exchange(call, uri, () -> http.postJson(uri, target.apiKey(), json));
        SubmitOutcome outcome = switch (x.result()) {
            // nothing reached the provider, so no task can exist
            case CIRCUIT_OPEN, NOT_CONNECTED -> new SubmitOutcome.RetryLater(x.error());
            case LOST -> new SubmitOutcome.Unknown(x.error().message());
            case ANSWERED -> KieOutcomes.submit(x.status(), x.body(), x.raw());
        };
        metrics.record("submit", outcome);
        if (!(outcome instanceof SubmitOutcome.Accepted)) {
            log.warn("KIE {} for job {} ({}): {}", call, request.jobId(), request.providerModel(), outcome);
        }
        return outcome;
    }

    /**
     * {@code {"model": …, "callBackUrl": …, "input": {…}}}: the input, one JSON object already (see
     * {@link SubmitRequest}), goes in as it is.
     */
    static String createTaskBody(SubmitRequest request) {
        StringWriter out = new StringWriter(request.inputJson().length() + 256);
        try (JsonGenerator body = JSON.createGenerator(out)) {
            body.writeStartObject();
            body.writeStringProperty("model", request.providerModel());
            if (request.callbackUrl() != null) {
                body.writeStringProperty("callBackUrl", request.callbackUrl());
            }
            body.writeName("input");
            body.writeRawValue(request.inputJson());
            body.writeEndObject();
        }
        return out.toString();
    }

    @Override
    public QueryOutcome query(String providerModel, String providerTaskId) {
        KieEndpoint target = endpoint.get();
        boolean kontext = FluxKontext.serves(providerModel);
        URI uri = target.resolve((kontext ? FluxKontext.RECORD_INFO : "/api/v1/jobs/recordInfo") + "?taskId="
                + URLEncoder.encode(providerTaskId, StandardCharsets.UTF_8));
        Exchange x = exchanges.exchange(
                kontext ? "fluxKontextRecordInfo" : "recordInfo", uri, () -> http.get(uri, target.apiKey()));
        QueryOutcome outcome = x.result() != Result.ANSWERED
                ? new QueryOutcome.Unavailable(x.error())
                : KieOutcomes.ofAnotherTask(providerTaskId, x.status(), x.body())
                        .orElseGet(() -> kontext
                                ? FluxKontext.query(x.status(), x.body())
                                : KieOutcomes.query(x.status(), x.body()));
        metrics.record("query", outcome);
        return outcome;
    }

    @Override
    public BalanceOutcome balance() {
        KieEndpoint target = endpoint.get();
        URI uri = target.resolve("/api/v1/chat/credit");
        Exchange x = exchanges.exchange("credit", uri, () -> http.get(uri, target.apiKey()));
        BalanceOutcome outcome = x.result() == Result.ANSWERED
                ? KieOutcomes.balance(x.status(), x.body())
                : new BalanceOutcome.Unavailable(x.error());
        metrics.record("balance", outcome);
        return outcome;
    }

    /**
     * The total timeout: it cuts every call, the wait for a pooled connection and the connect included
     * (by default it is what those two and one read of the answer may take together).
     */
    @Override
    public Duration submitTimeLimit() {
        return totalTimeout;
    }
}
