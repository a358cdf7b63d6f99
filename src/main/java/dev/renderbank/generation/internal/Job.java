package dev.renderbank.generation.internal;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.JobView;
import java.time.Instant;

/** A generation job as stored (one row of {@code generation_job}); others see its {@link #view()}. */
public record Job(
        String id,
        long userId,
        AssetType type,
        String model,
        String prompt,
        String options,
        String providerModel,
        String providerInput,
        long price,
        JobState state,
        String providerTaskId,
        String callbackToken,
        int progress,
        String errorCode,
        String errorMessage,
        long creditsCharged,
        String assetId,
        boolean lateDelivery,
        Instant submitStartedAt,
        int attempts,
        long version,
        Instant createdAt,
        Instant submittedAt,
        Instant completedAt,
        Instant deadlineAt,
        Instant assetDeletedAt,
        Instant lateChecksEndedAt) {

    /** What a request asks of the provider, as accepted: the parts of a new job the caller decides. */
    public record Request(
            long userId,
            AssetType type,
            String model,
            String prompt,
            String optionsJson,
            String providerModel,
            String providerInputJson,
            long price) {}

    /** A job just accepted: RESERVED, nothing sent to the provider yet, version 1. */
    public static Job accepted(String id, Request r, String callbackToken, Instant now, Instant deadlineAt) {
        return new Job(
                id,
                r.userId(),
                r.type(),
                r.model(),
                r.prompt(),
                r.optionsJson(),
                r.providerModel(),
                r.providerInputJson(),
                r.price(),
                JobState.RESERVED,
                /* providerTaskId */ null,
                callbackToken,
                /* progress */ 0,
                /* errorCode */ null,
                /* errorMessage */ null,
                /* creditsCharged */ 0,
                /* assetId */ null,
                /* lateDelivery */ false,
                /* submitStartedAt */ null,
                /* attempts */ 0,
                /* version */ 1,
                now,
                /* submittedAt */ null,
                /* completedAt */ null,
                deadlineAt,
                /* assetDeletedAt */ null,
                /* lateChecksEndedAt */ null);
    }

    /** The view hides a deleted file (no asset id to link), and says it was deleted. */
    public JobView view() {
        return new JobView(
                id,
                userId,
                type,
                model,
                state,
                progress,
                price,
                creditsCharged,
                assetDeletedAt == null ? assetId : null,
                errorCode,
                errorMessage,
                lateDelivery,
                version,
                createdAt,
                completedAt,
                deadlineAt,
                assetDeletedAt != null,
                prompt,
                StoredOptions.shown(this),
                lateResultUntil());
    }

    /** See {@link JobView#lateResultUntil()}. */
    private Instant lateResultUntil() {
        boolean mayCome = CallbackCheck.lateResultMayCome(this)
                && LateDeliveries.PROVIDER_STILL_WORKING.contains(errorCode)
                && assetDeletedAt == null
                && lateChecksEndedAt == null // the provider failed its task, or the checks gave up
                && completedAt != null;
        return mayCome ? completedAt.plus(JobView.LATE_RESULT_WINDOW) : null;
    }
}
