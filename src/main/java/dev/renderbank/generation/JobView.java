package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import java.time.Instant;

/**
 * A job as other modules and the web layer see it: what its owner asked for (prompt, options),
 * status, prices, asset and times. The stored row (with the provider's input and the callback token)
 * stays inside the module.
 *
 * @param price the credits this job costs: held while it runs, charged when it succeeds
 * @param version grows with every visible change (event stream ids)
 * @param assetId the stored output, null while there is none or after its owner deleted it
 * @param assetDeleted the owner deleted the output (the job and its charge stay)
 * @param prompt the prompt as the owner sent it (at most 4,000 characters)
 * @param options the options it was accepted with, under the request's field names
 */
public record JobView(
        String id,
        long userId,
        AssetType type,
        String model,
        JobState state,
        int progress,
        long price,
        long creditsCharged,
        String assetId,
        String errorCode,
        String errorMessage,
        boolean lateDelivery,
        long version,
        Instant createdAt,
        Instant completedAt,
        Instant deadlineAt,
        boolean assetDeleted,
        String prompt,
        JobOptions options) {

    /** Credits still held for this job: its price while it runs, nothing once it has ended. */
    public long creditsHeld() {
        return state.isTerminal() ? 0 : price;
    }
}
