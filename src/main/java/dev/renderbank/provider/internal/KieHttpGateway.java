package dev.renderbank.provider.internal;

import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.StringWriter;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * KIE.ai over HTTP (also the simulator, which speaks the same protocol): createTask and recordInfo,
 * or the Flux Kontext API's own endpoints for the models it serves ({@link FluxKontext}). Every call
 * goes through one circuit breaker: when the provider keeps failing (timeouts, 5xx/455, 429) calls are refused as
 * UNAVAILABLE without being sent. A read timeout after a createTask was sent is {@link
 * SubmitOutcome.Unknown}: the task may exist, and KIE has no idempotency key to make a retry safe;
 * so is a createTask whose answer was cut at the total timeout (a recordInfo or credit call so cut is
 * a timeout, asked again later).
 */
final class KieHttpGateway implements ProviderGateway {

    private static final Logger log = LoggerFactory.getLogger(KieHttpGateway.class);
    private static final JsonMapper JSON = JsonMapper.shared();

    private final Supplier<KieEndpoint> endpoint;
    private final KieHttpClient http;

    private final Duration readTimeout;
    private final Duration totalTimeout;
    private final CircuitBreaker breaker;
    private final MeterRegistry meters;
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();

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
                meters);
    }

    KieHttpGateway(
            Supplier<KieEndpoint> endpoint,
            Duration connectTimeout,
            Duration readTimeout,
            Duration totalTimeout,
            CircuitBreakerConfig breakerConfig,
            MeterRegistry meters) {
        this.endpoint = endpoint;
        this.readTimeout = readTimeout;
        this.totalTimeout = totalTimeout;
        this.http = new KieHttpClient(connectTimeout, readTimeout, totalTimeout);
        this.breaker = CircuitBreaker.of("kie", breakerConfig);
        this.meters = meters;
        Gauge.builder(
                        "renderbank.provider.circuit.open",
                        breaker,
                        b -> b.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                .description("1 while the provider circuit breaker is open (calls refused without being sent)")
                .register(meters);
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
        return breaker.getState();
    }

    /** Closes the breaker and forgets its window (tests that share one application context). */
    void resetBreaker() {
        breaker.reset();
    }

    @Override
    public SubmitOutcome submit(SubmitRequest request) {
        KieEndpoint target = endpoint.get();
        boolean kontext = FluxKontext.serves(request.providerModel());
        URI uri = target.resolve(kontext ? FluxKontext.GENERATE : "/api/v1/jobs/createTask");
        String json = kontext ? FluxKontext.generateBody(request) : createTaskBody(request);
        String call = kontext ? "fluxKontextGenerate" : "createTask";
        Exchange x = exchange(call, uri, () -> http.postJson(uri, target.apiKey(), json));
        SubmitOutcome outcome = switch (x.result()) {
            // nothing reached the provider, so no task can exist
            case CIRCUIT_OPEN, NOT_CONNECTED -> new SubmitOutcome.RetryLater(x.error());
            case LOST -> new SubmitOutcome.Unknown(x.error().message());
            case ANSWERED -> KieOutcomes.submit(x.status(), x.body(), x.raw());
        };
        record("submit", outcome);
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
        Exchange x =
                exchange(kontext ? "fluxKontextRecordInfo" : "recordInfo", uri, () -> http.get(uri, target.apiKey()));
        QueryOutcome outcome = x.result() != Result.ANSWERED
                ? new QueryOutcome.Unavailable(x.error())
                : KieOutcomes.ofAnotherTask(providerTaskId, x.status(), x.body())
                        .orElseGet(() -> kontext
                                ? FluxKontext.query(x.status(), x.body())
                                : KieOutcomes.query(x.status(), x.body()));
        record("query", outcome);
        return outcome;
    }

    @Override
    public BalanceOutcome balance() {
        KieEndpoint target = endpoint.get();
        URI uri = target.resolve("/api/v1/chat/credit");
        Exchange x = exchange("credit", uri, () -> http.get(uri, target.apiKey()));
        BalanceOutcome outcome = x.result() == Result.ANSWERED
                ? KieOutcomes.balance(x.status(), x.body())
                : new BalanceOutcome.Unavailable(x.error());
        record("balance", outcome);
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

    /** One HTTP call of {@link KieHttpClient}. */
    @FunctionalInterface
    private interface Call {
        KieHttpClient.Response send() throws IOException;
    }

    /**
     * One HTTP exchange, guarded and scored by the circuit breaker; its time is recorded per
     * endpoint (renderbank_provider_call_latency_seconds, with a histogram for p95 alerts).
     */
    private Exchange exchange(String endpointName, URI uri, Call call) {
        if (!breaker.tryAcquirePermission()) {
            return Exchange.failed(
                    Result.CIRCUIT_OPEN,
                    Kind.UNAVAILABLE,
                    "circuit breaker open: the provider kept failing, not calling it for now");
        }
        long start = System.nanoTime();
        Exchange result;
        try {
            KieHttpClient.Response response = call.send();
            result = new Exchange(
                    Result.ANSWERED, response.status(), KieAnswers.parse(response.body()), response.body(), null);
        } catch (KieHttpClient.NotConnected e) {
            result = Exchange.failed(
                    Result.NOT_CONNECTED,
                    Kind.UNAVAILABLE,
                    "could not connect to " + uri.getHost() + ":" + uri.getPort() + " (" + e.getCause() + ")");
        } catch (KieHttpClient.Cut e) {
            result = Exchange.failed(Result.LOST, Kind.TIMEOUT, e.getMessage());
        } catch (SocketTimeoutException e) {
            result = Exchange.failed(Result.LOST, Kind.TIMEOUT, "no answer within " + readTimeout + " (read timeout)");
        } catch (IOException e) {
            result = Exchange.failed(Result.LOST, Kind.TIMEOUT, "connection failed after sending: " + e);
        }
        long elapsed = System.nanoTime() - start;
        latency(endpointName, result.result()).record(elapsed, TimeUnit.NANOSECONDS);
        if (countsAsFailure(result)) {
            breaker.onError(elapsed, TimeUnit.NANOSECONDS, new IOException(String.valueOf(result.error())));
        } else {
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        }
        return result;
    }

    /** Only "the provider is not coping" counts against it; a clear refusal (402, 422 ...) is an answer. */
    private static boolean countsAsFailure(Exchange x) {
        if (x.result() != Result.ANSWERED) {
            return true;
        }
        if (KieAnswers.isSuccess(x.status(), x.body())) {
            return false;
        }
        Kind kind = KieAnswers.classify(x.status(), x.body()).kind();
        return kind == Kind.UNAVAILABLE || kind == Kind.RATE_LIMITED || kind == Kind.TIMEOUT;
    }

    private void record(String operation, Object outcome) {
        String name = outcome.getClass().getSimpleName().toLowerCase();
        ProviderError error = null;
        if (outcome instanceof SubmitOutcome.Rejected r) {
            error = r.error();
        } else if (outcome instanceof SubmitOutcome.RetryLater r) {
            error = r.error();
        } else if (outcome instanceof QueryOutcome.Unavailable u) {
            error = u.error();
        } else if (outcome instanceof BalanceOutcome.Unavailable u) {
            error = u.error();
        }
        String errorName = error == null ? "none" : error.kind().name().toLowerCase();
        calls.computeIfAbsent(
                        operation + '/' + name + '/' + errorName,
                        k -> meters.counter(
                                "renderbank.provider.calls",
                                "operation",
                                operation,
                                "outcome",
                                name,
                                "error",
                                errorName))
                .increment();
    }

    /** The call's timer, looked up in the registry once per endpoint and result, not once per call. */
    private Timer latency(String endpointName, Result result) {
        return latencies.computeIfAbsent(
                endpointName + '/' + result,
                k -> Timer.builder("renderbank.provider.call.latency")
                        .description("Time of one provider HTTP call, per endpoint and result")
                        .tag("endpoint", endpointName)
                        .tag("result", result.name().toLowerCase(java.util.Locale.ROOT))
                        .publishPercentileHistogram()
                        .register(meters));
    }

    private enum Result {
        ANSWERED,
        /** Nothing was sent (refused, unreachable, connect timeout). */
        NOT_CONNECTED,
        /** Sent, but no answer came back: the provider may have acted on it. */
        LOST,
        /** Not sent: the breaker is open. */
        CIRCUIT_OPEN
    }

    private record Exchange(Result result, int status, JsonNode body, String raw, ProviderError error) {

        static Exchange failed(Result result, Kind kind, String message) {
            return new Exchange(result, 0, MissingNode.getInstance(), null, new ProviderError(kind, 0, message));
        }
    }
}
