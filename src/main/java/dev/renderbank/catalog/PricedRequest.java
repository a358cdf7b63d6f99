package dev.renderbank.catalog;

import java.util.Map;

/**
 * A validated generation request with its price in credits and the provider call it becomes.
 * {@code options} are the normalized client options (defaults filled in).
 */
public record PricedRequest(
        AssetType type,
        String model,
        String prompt,
        java.util.List<String> imageUrls,
        Map<String, Object> options,
        long credits,
        String providerModel,
        Map<String, Object> providerInput) {}
