package dev.renderbank.provider.internal;

import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.CommandLineKeyRefusal;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import java.time.Duration;

/**
 * The gateway of the operator command line ({@link dev.renderbank.platform.ProcessRole#COMMAND_LINE}),
 * in place of {@link TrippingGateway}: the answers go to the command as they came, and nothing of them
 * goes to the provider status every node shares. The command's key is the operator's shell's, maybe
 * stale where the service's is good: its 401 tripped the shared status to "unauthorized" and every
 * node refused generations for a minute. A refusal of the key is noted ({@link CommandLineKeyRefusal})
 * for the command line to report. A 402 trips nothing either: the service's own calls and balance
 * checks see the same account.
 */
final class CommandLineGateway implements ProviderGateway {

    private final ProviderGateway delegate;
    private final CommandLineKeyRefusal refusal;

    CommandLineGateway(ProviderGateway delegate, CommandLineKeyRefusal refusal) {
        this.delegate = delegate;
        this.refusal = refusal;
    }

    /** The wrapped gateway (tests reach its circuit breaker through it). */
    ProviderGateway delegate() {
        return delegate;
    }

    @Override
    public SubmitOutcome submit(SubmitRequest request) {
        SubmitOutcome outcome = delegate.submit(request);
        if (outcome instanceof SubmitOutcome.Rejected r) {
            refusal.note(r.error());
        }
        return outcome;
    }

    @Override
    public QueryOutcome query(String providerModel, String providerTaskId) {
        return noted(delegate.query(providerModel, providerTaskId));
    }

    @Override
    public QueryOutcome queryFinished(String providerModel, String providerTaskId) {
        return noted(delegate.queryFinished(providerModel, providerTaskId));
    }

    private QueryOutcome noted(QueryOutcome outcome) {
        if (outcome instanceof QueryOutcome.Unavailable u) {
            refusal.note(u.error());
        }
        return outcome;
    }

    @Override
    public BalanceOutcome balance() {
        BalanceOutcome outcome = delegate.balance();
        if (outcome instanceof BalanceOutcome.Unavailable u) {
            refusal.note(u.error());
        }
        return outcome;
    }

    @Override
    public Duration submitTimeLimit() {
        return delegate.submitTimeLimit();
    }
}
