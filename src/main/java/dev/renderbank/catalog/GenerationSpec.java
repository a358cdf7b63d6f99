package dev.renderbank.catalog;

import java.util.List;

/** What a client asked for, before validation. Null options take the model's defaults. */
public record GenerationSpec(
        AssetType type,
        String model,
        String prompt,
        List<String> imageUrls,
        String resolution,
        String outputFormat,
        String aspectRatio,
        Integer durationSeconds) {}
