package dev.renderbank.provider;

/**
 * The upstream generation provider (KIE.ai, or the built-in simulator speaking its protocol).
 * Calls are remote and uncertain: outcomes are values, a timeout at submit is {@link
 * SubmitOutcome.Unknown} (never "failed"), and nothing here touches the database of other modules.
 */
public interface ProviderGateway {

    /** Creates a task. Never retried blindly by callers: KIE has no idempotency key on create. */
    SubmitOutcome submit(SubmitRequest request);

    /** Reads a task's state by the provider's task id. Safe to repeat. */
    QueryOutcome query(String providerTaskId);

    /** The provider account's remaining credits (KIE {@code GET /api/v1/chat/credit}). */
    BalanceOutcome balance();
}
