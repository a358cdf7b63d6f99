package dev.renderbank.generation;

import java.time.Instant;

/**
 * A job as operators look it up: the job, the provider's task id (null until the provider accepted
 * it) and when the provider accepted it.
 */
public record OperatorJob(JobView job, String providerTaskId, Instant submittedAt) {}
