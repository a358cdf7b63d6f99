package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.platform.DurableEvent;

/**
 * A job ended without a charge: failed at the provider, past its deadline, refused, cancelled by its
 * owner, or delivered only after its hold expired ({@code lateDelivery}: the output is the user's,
 * free). Published durably in the finishing transaction, once per job. A result that arrives after a
 * job already failed is stored for the user but is not a second finish: it publishes {@link
 * GenerationDeliveredLate} instead (so does a finish with {@code lateDelivery}).
 *
 * @param creditsReleased the held credits this finish gave back (0 when the hold had already expired)
 * @param code the machine-readable reason, as in the job's {@code error.code}
 * @param reason the reason in plain words, as shown to the user
 */
public record GenerationFailed(
        long userId,
        String taskId,
        String model,
        AssetType type,
        long creditsReleased,
        String code,
        String reason,
        boolean lateDelivery)
        implements DurableEvent {

    @Override
    public String key() {
        return "generation-finished:" + taskId;
    }
}
