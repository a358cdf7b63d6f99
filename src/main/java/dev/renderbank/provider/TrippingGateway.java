package dev.renderbank.provider;

import dev.renderbank.provider.ProviderError.Kind;

/**
 * Makes sure no caller can forget the fast-refusal state: any 402 (out of provider credits) or 401
 * (bad key) the provider answers trips {@link ProviderStatus} before the outcome is returned.
 * Tripping is idempotent, so callers may trip again themselves.
 */
final class TrippingGateway implements ProviderGateway {

    private final ProviderGateway delegate;
    private final ProviderStatus status;

    TrippingGateway(ProviderGateway delegate, ProviderStatus status) {
        this.delegate = delegate;
        this.status = status;
    }

    @Override
    public SubmitOutcome submit(SubmitRequest request) {
        SubmitOutcome outcome = delegate.submit(request);
        if (outcome instanceof SubmitOutcome.Rejected r) {
            trip(r.error(), "createTask");
        }
        return outcome;
    }

    @Override
    public QueryOutcome query(String providerTaskId) {
        QueryOutcome outcome = delegate.query(providerTaskId);
        if (outcome instanceof QueryOutcome.Unavailable u) {
            trip(u.error(), "recordInfo");
        } else if (outcome instanceof QueryOutcome.Failed f && "402".equals(f.failCode())) {
            // a task that ran out of provider credits mid-way
            status.tripExhausted("KIE task " + providerTaskId + " failed with 402: " + f.failMessage());
        }
        return outcome;
    }

    @Override
    public BalanceOutcome balance() {
        BalanceOutcome outcome = delegate.balance();
        if (outcome instanceof BalanceOutcome.Unavailable u && u.error().kind() == Kind.UNAUTHORIZED) {
            trip(u.error(), "credit");
        }
        return outcome;
    }

    private void trip(ProviderError error, String call) {
        if (error.kind() == Kind.INSUFFICIENT_CREDITS) {
            status.tripExhausted("KIE " + call + " answered " + error.code() + ": " + error.message());
        } else if (error.kind() == Kind.UNAUTHORIZED) {
            status.tripUnauthorized("KIE " + call + " answered " + error.code() + ": " + error.message());
        }
    }
}
