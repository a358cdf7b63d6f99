package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import java.time.Duration;
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
 * @param lateResultUntil for a failed job whose provider task may still be working on it (failed at
 *     its deadline, by an operator, or on answers without a usable record of the task): until when its
 *     result is still asked for, to be delivered free of charge ({@link #LATE_RESULT_WINDOW} after it
 *     failed); null for any other job
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
        JobOptions options,
        Instant lateResultUntil) {

    /**
     * How long after such a failure its result is still asked for: the late-delivery checks' tries
     * (30 s doubling to 2 h, 12 tries) add up to about ten hours with the default
     * {@code renderbank.jobs.late-delivery-retry}.
     */
    public static final Duration LATE_RESULT_WINDOW = Duration.ofHours(10);

    /** A late result may still come at {@code now}: the provider may finish this failed job, free. */
    public boolean lateResultMayCome(Instant now) {
        return lateResultUntil != null && now.isBefore(lateResultUntil);
    }

    /** Credits still held for this job: its price while it runs, nothing once it has ended. */
    public long creditsHeld() {
        return state.isTerminal() ? 0 : price;
    }
}
