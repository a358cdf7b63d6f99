package dev.renderbank.provider.internal;

import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.ProviderStatus;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import java.time.Duration;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no caller can forget the fast-refusal state: any 402 (out of provider credits) or 401
 * (bad key) the provider answers trips {@link ProviderStatus} before the outcome is returned.
 * Tripping is idempotent, so callers may trip again themselves. A 402 at createTask records what the
 * refused task costs at the provider ({@code taskCost} by model, 0 if unknown), so that the state
 * clears only at a balance that pays for it. A 429 or 455 at createTask is noted there (no trip: jobs
 * wait and retry), and a 505 alerts operators.
 *
 * <p>These writes never cost the caller its outcome: one the database fails (a failover, a dropped
 * connection, a pool timeout) is logged and the outcome returned all the same, since the outcome is
 * what the job's own durable write records (a 429 proves no task was created; a refusal fails and
 * releases the job). Lost, the job would be taken for interrupted and hold its credits until its
 * deadline. The state is not lost with it: every refusal trips again, and the job's own failure trips
 * it once more with that write (retried until it lands).
 */
final class TrippingGateway implements ProviderGateway {

    private static final Logger log = LoggerFactory.getLogger(TrippingGateway.class);

    private final ProviderGateway delegate;
    private final ProviderStatus status;
    private final ToLongFunction<String> taskCost;

    TrippingGateway(ProviderGateway delegate, ProviderStatus status, ToLongFunction<String> taskCost) {
        this.delegate = delegate;
        this.status = status;
        this.taskCost = taskCost;
    }

    /** The wrapped gateway (tests reach its circuit breaker through it). */
    ProviderGateway delegate() {
        return delegate;
    }

    @Override
    public SubmitOutcome submit(SubmitRequest request) {
        SubmitOutcome outcome = delegate.submit(request);
        bestEffort("createTask for model " + request.providerModel(), () -> note(request, outcome));
        return outcome;
    }

    private void note(SubmitRequest request, SubmitOutcome outcome) {
        if (outcome instanceof SubmitOutcome.Rejected r) {
            trip(
                    r.error(),
                    "createTask for model " + request.providerModel(),
                    taskCost.applyAsLong(request.providerModel()));
            if (r.error().kind() == Kind.FEATURE_DISABLED) {
                status.featureDisabled("KIE createTask for model " + request.providerModel() + " answered "
                        + r.error().code() + ": " + r.error().message());
            }
        } else if (outcome instanceof SubmitOutcome.RetryLater later
                && (later.error().code() == 429 || later.error().code() == 455)) {
            status.noteRefusal(
                    later.error().code(),
                    "KIE createTask answered " + later.error().code() + ": "
                            + later.error().message());
        }
    }

    @Override
    public QueryOutcome query(String providerModel, String providerTaskId) {
        QueryOutcome outcome = delegate.query(providerModel, providerTaskId);
        bestEffort("recordInfo of task " + providerTaskId, () -> note(providerModel, providerTaskId, outcome));
        return outcome;
    }

    @Override
    public QueryOutcome queryFinished(String providerModel, String providerTaskId) {
        QueryOutcome outcome = delegate.query(providerModel, providerTaskId);
        if (outcome instanceof QueryOutcome.Unavailable u) {
            // the read itself refused (401, 402 to the call): news about the provider now
            bestEffort(
                    "recordInfo of task " + providerTaskId,
                    () -> trip(u.error(), "recordInfo (model " + providerModel + ")", 0));
        }
        return outcome;
    }

    private void note(String providerModel, String providerTaskId, QueryOutcome outcome) {
        if (outcome instanceof QueryOutcome.Unavailable u) {
            trip(u.error(), "recordInfo (model " + providerModel + ")", 0);
        } else if (outcome instanceof QueryOutcome.Failed f && "402".equals(f.failCode())) {
            // a task that ran out of provider credits mid-way
            if (status.tripExhausted("KIE task " + providerTaskId + " failed with 402: " + f.failMessage())) {
                noteBalanceAtRefusal();
            }
        }
    }

    @Override
    public BalanceOutcome balance() {
        BalanceOutcome outcome = delegate.balance();
        if (outcome instanceof BalanceOutcome.Unavailable u && u.error().kind() == Kind.UNAUTHORIZED) {
            bestEffort("credit", () -> trip(u.error(), "credit", 0));
        }
        return outcome;
    }

    /** Runs {@code write}, the status's record of {@code call}'s answer; a failure is logged, not thrown. */
    private static void bestEffort(String call, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            log.warn(
                    "provider status not updated after {} ({}); the answer is handled all the same",
                    call,
                    e.toString());
        }
    }

    @Override
    public Duration submitTimeLimit() {
        return delegate.submitTimeLimit();
    }

    /**
     * Once per trip (the call that made it): the balance the provider refused with, read now, so the
     * state clears only on a higher reading (a top-up), also where the refused task's cost is not
     * known. Other 402s meanwhile (a storm of them is usual) do not void it; an unknown balance leaves
     * only the threshold and the cost.
     */
    private void noteBalanceAtRefusal() {
        if (delegate.balance() instanceof BalanceOutcome.Known known) {
            status.noteBalanceAtRefusal(known.credits());
        }
    }

    /** {@code cost}: the provider credits of the task refused, 0 if unknown or none. */
    private void trip(ProviderError error, String call, long cost) {
        if (error.kind() == Kind.INSUFFICIENT_CREDITS) {
            if (status.tripExhausted(
                    "KIE " + call + " answered " + error.code() + ": " + error.message()
                            + (cost > 0 ? " (the task costs " + cost + " provider credits)" : ""),
                    cost)) {
                noteBalanceAtRefusal();
            }
        } else if (error.kind() == Kind.UNAUTHORIZED) {
            status.tripUnauthorized("KIE " + call + " answered " + error.code() + ": " + error.message());
        }
    }
}
