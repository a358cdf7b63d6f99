package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.platform.DurableEvent;

/**
 * A job ended with its output stored and its price charged. Published durably in the finishing
 * transaction, once per job (a job finishes once: see {@link GenerationFailed} for the other ends).
 */
public record GenerationSucceeded(long userId, String taskId, String model, AssetType type, long creditsCharged)
        implements DurableEvent {

    @Override
    public String key() {
        return "generation-finished:" + taskId;
    }
}
