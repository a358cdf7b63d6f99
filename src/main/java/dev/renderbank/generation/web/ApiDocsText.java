package dev.renderbank.generation.web;

import java.util.List;

/** Constants for the OpenAPI annotations of this package's controllers (annotation values must be constants). */
final class ApiDocsText {

    private ApiDocsText() {}

    static final String PROBLEM_JSON = "application/problem+json";
    static final String PROBLEM = "#/components/schemas/Problem";
    static final String ACCEPTED = "Accepted: the job exists and its price is held; follow statusUrl or its /events";
    static final String NOT_ENOUGH = "Not enough available credits (`needed`, `available`) or an unpaid `debt`";
    static final String TOO_MANY = "Cooldown or jobs-in-flight cap of this type: `retryAfterSeconds`, `Retry-After`";
    static final String UNAVAILABLE = "The provider is unavailable or an operator paused generation (`Retry-After`)";
    static final String STORAGE_UNAVAILABLE =
            "`storage-unavailable`: the file store did not answer; nothing was changed, try again after `Retry-After`";

    /** One page of the caller's jobs, newest first ({@code GET /api/v1/generations}). */
    record JobList(List<JobJson> items, String nextCursor) {}
}
