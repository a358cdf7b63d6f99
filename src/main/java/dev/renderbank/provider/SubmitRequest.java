package dev.renderbank.provider;

import java.util.Map;

/**
 * One createTask call. {@code providerModel} is the provider's model name (e.g.
 * {@code sora-2-text-to-video}); {@code input} is the provider's {@code input} object as is;
 * {@code callbackUrl} carries our job id and an unguessable per-job token.
 */
public record SubmitRequest(String jobId, String providerModel, Map<String, Object> input, String callbackUrl) {}
