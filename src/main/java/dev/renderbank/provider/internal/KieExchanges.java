package dev.renderbank.provider.internal;

import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderError.Kind;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * The HTTP exchanges of {@link KieHttpGateway} behind one circuit breaker: a call is refused without
 * being sent while the breaker is open; otherwise it is sent, its failure read as "nothing sent"
 * ({@link Result#NOT_CONNECTED}) or "sent, no answer" ({@link Result#LOST}), its time recorded, and
 * the breaker scored with it. What an answer means for the caller is the gateway's to say.
 */
final class KieExchanges {

    private final Duration readTimeout;
    private final CircuitBreaker breaker;
    private final ProviderCallMetrics metrics;
    private final ProviderFailures failures;

    KieExchanges(Duration readTimeout, CircuitBreaker breaker, ProviderCallMetrics metrics, ProviderFailures failures) {
        this.readTimeout = readTimeout;
        this.breaker = breaker;
        this.metrics = metrics;
        this.failures = failures;
    }

    CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /** Closes the breaker and forgets its window (tests that share one application context). */
    void resetBreaker() {
        breaker.reset();
    }

    /** One HTTP call of {@link KieHttpClient}. */
    @FunctionalInterface
    interface Call {
        KieHttpClient.Response send() throws IOException;
    }

    /**
     * One HTTP exchange, guarded and scored by the circuit breaker; its time is recorded per
     * endpoint (renderbank_provider_call_latency_seconds, with a histogram for p95 alerts).
     */
    Exchange exchange(String endpointName, URI uri, Call call) {
        if (!breaker.tryAcquirePermission()) {
            Exchange refused = Exchange.failed(
                    Result.CIRCUIT_OPEN,
                    Kind.UNAVAILABLE,
                    "circuit breaker open: the provider kept failing, not calling it for now");
            failures.failed(refused.error().message());
            return refused;
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
        metrics.latency(endpointName, result.result()).record(elapsed, TimeUnit.NANOSECONDS);
        if (countsAsFailure(result)) {
            breaker.onError(elapsed, TimeUnit.NANOSECONDS, new IOException(String.valueOf(result.error())));
            failures.failed(
                    result.error() != null ? result.error().message() : endpointName + " answered " + result.status());
        } else {
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            failures.answered();
        }
        return result;
    }

    /**
     * Only "the provider is not coping" counts against it (5xx, a 501 status without KIE's body
     * included); a clear refusal (402, 422, KIE's own 501 ...) is an answer.
     */
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

    enum Result {
        ANSWERED,
        /** Nothing was sent (refused, unreachable, connect timeout). */
        NOT_CONNECTED,
        /** Sent, but no answer came back: the provider may have acted on it. */
        LOST,
        /** Not sent: the breaker is open. */
        CIRCUIT_OPEN
    }

    record Exchange(Result result, int status, JsonNode body, String raw, ProviderError error) {

        static Exchange failed(Result result, Kind kind, String message) {
            return new Exchange(result, 0, MissingNode.getInstance(), null, new ProviderError(kind, 0, message));
        }
    }
}
