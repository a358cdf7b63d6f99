package dev.renderbank.provider;

import java.time.Duration;

/**
 * The upstream generation provider (KIE.ai, or the built-in simulator speaking its protocol).
 * Calls are remote and uncertain: outcomes are values, a timeout at submit is {@link
 * SubmitOutcome.Unknown} (never "failed"), and nothing here touches the database of other modules.
 */
public interface ProviderGateway {

    /**
     * Creates a task (createTask, or the create endpoint of the API that serves the model). Never
     * retried blindly by callers: KIE has no idempotency key on create.
     */
    SubmitOutcome submit(SubmitRequest request);

    /**
     * Reads a task's state by the provider's task id. Safe to repeat. {@code providerModel} is the
     * model the task was created for ({@link SubmitRequest#providerModel}): it says which of KIE's
     * APIs holds the task (recordInfo, or the Flux Kontext API's record-info for flux-kontext-*).
     */
    QueryOutcome query(String providerModel, String providerTaskId);

    /**
     * As {@link #query}, for a task whose job renderbank has already finished (a late delivery, a
     * reconciliation's sample of settled jobs). Its record is old news: a task that failed for want
     * of provider credits says nothing of the provider's balance now (it may have been topped up
     * since), so only the call's own answer (the provider refusing the read itself) may change the
     * provider's standing.
     */
    default QueryOutcome queryFinished(String providerModel, String providerTaskId) {
        return query(providerModel, providerTaskId);
    }

    /** The provider account's remaining credits (KIE {@code GET /api/v1/chat/credit}). */
    BalanceOutcome balance();

    /**
     * How long one {@link #submit} waits on the provider at most before it returns: the provider's
     * total timeout, which cuts a call (a pooled connection, the connect and the whole answer) however
     * slowly the answer comes. A caller that sees a submit started longer ago than this, plus its own
     * margin, may take it as ended.
     */
    Duration submitTimeLimit();
}
