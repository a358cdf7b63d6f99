package dev.renderbank.provider.internal;

import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of {@link KieHttpGateway}'s calls: whether its circuit breaker is open, the time of each
 * HTTP exchange per endpoint and result, and the count of outcomes per operation and error kind.
 */
final class ProviderCallMetrics {

    private final MeterRegistry meters;
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();

    ProviderCallMetrics(CircuitBreaker breaker, MeterRegistry meters) {
        this.meters = meters;
        Gauge.builder(
                        "renderbank.provider.circuit.open",
                        breaker,
                        b -> b.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                .description("1 while the provider circuit breaker is open (calls refused without being sent)")
                .register(meters);
    }

    /** Counts one outcome of a gateway operation, by its type and its error's kind. */
    void record(String operation, Object outcome) {
        String name = outcome.getClass().getSimpleName().toLowerCase(Locale.ROOT);
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
        String errorName = error == null ? "none" : error.kind().name().toLowerCase(Locale.ROOT);
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
    Timer latency(String endpointName, KieExchanges.Result result) {
        return latencies.computeIfAbsent(
                endpointName + '/' + result,
                k -> Timer.builder("renderbank.provider.call.latency")
                        .description("Time of one provider HTTP call, per endpoint and result")
                        .tag("endpoint", endpointName)
                        .tag("result", result.name().toLowerCase(java.util.Locale.ROOT))
                        .publishPercentileHistogram()
                        .register(meters));
    }
}
