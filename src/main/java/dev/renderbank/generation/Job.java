package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import java.time.Instant;

/** A generation job as stored. */
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
        Instant deadlineAt) {}
