package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.platform.DurableEvent;

/**
 * A job's result was stored after the job had ended failed (its credits released): the output is
 * the user's, free of charge (SPEC section 4). Published durably in the transaction that stored it,
 * once per job: a job gets at most one late delivery (its asset is set once). Its key is not the
 * finish's ({@code generation-finished:}), so the failure told before and this news are both told. A
 * deleted account's result is never stored, so this is never published for it.
 */
public record GenerationDeliveredLate(long userId, String taskId, String model, AssetType type)
        implements DurableEvent {

    @Override
    public String key() {
        return "generation-late:" + taskId;
    }
}
