package dev.renderbank.provider.internal;

import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The simulator as provider, in a process that cannot call one with its key ({@link
 * dev.renderbank.provider.simulator.KieSimulator#unreachable}): every call answers "unavailable",
 * saying why, without a request. Sent, it came back 401 from the service's simulator and tripped
 * the shared provider state as if KIE had refused our API key; an unavailable answer trips nothing.
 * createTask answers "retry later": nothing was sent, so nothing was created.
 */
final class UnreachableSimulator implements ProviderGateway {

    private final ProviderGateway delegate;
    private final Supplier<Optional<String>> unreachable;

    UnreachableSimulator(ProviderGateway delegate, Supplier<Optional<String>> unreachable) {
        this.delegate = delegate;
        this.unreachable = unreachable;
    }

    /** The wrapped gateway (tests reach its circuit breaker through it). */
    ProviderGateway delegate() {
        return delegate;
    }

    private Optional<ProviderError> why() {
        return unreachable.get().map(why -> new ProviderError(ProviderError.Kind.UNAVAILABLE, 0, why));
    }

    @Override
    public SubmitOutcome submit(SubmitRequest request) {
        return why().<SubmitOutcome>map(SubmitOutcome.RetryLater::new).orElseGet(() -> delegate.submit(request));
    }

    @Override
    public QueryOutcome query(String providerModel, String providerTaskId) {
        return why().<QueryOutcome>map(QueryOutcome.Unavailable::new)
                .orElseGet(() -> delegate.query(providerModel, providerTaskId));
    }

    @Override
    public QueryOutcome queryFinished(String providerModel, String providerTaskId) {
        return why().<QueryOutcome>map(QueryOutcome.Unavailable::new)
                .orElseGet(() -> delegate.queryFinished(providerModel, providerTaskId));
    }

    @Override
    public BalanceOutcome balance() {
        return why().<BalanceOutcome>map(BalanceOutcome.Unavailable::new).orElseGet(delegate::balance);
    }

    @Override
    public Duration submitTimeLimit() {
        return delegate.submitTimeLimit();
    }
}
