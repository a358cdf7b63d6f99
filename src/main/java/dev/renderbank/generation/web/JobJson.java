package dev.renderbank.generation.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.generation.JobView;
import java.time.Instant;

/**
 * The client's view of a job: every field of the API's status answer is always there, {@code null}
 * while not known (no asset, no error, not finished); {@code lateDelivery} appears only when true.
 */
record JobJson(
        String taskId,
        String type,
        String model,
        String status,
        int progress,
        long creditsHeld,
        long creditsCharged,
        String assetUrl,
        ErrorJson error,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean lateDelivery,
        Instant createdAt,
        Instant completedAt) {

    record ErrorJson(String code, String message) {}

    static JobJson of(JobView j) {
        return new JobJson(
                j.id(),
                j.type().label(),
                j.model(),
                j.state().status(),
                j.progress(),
                j.creditsHeld(),
                j.creditsCharged(),
                j.assetId() == null ? null : "/api/v1/assets/" + j.assetId(),
                j.errorCode() == null ? null : new ErrorJson(j.errorCode(), j.errorMessage()),
                j.lateDelivery() ? Boolean.TRUE : null,
                j.createdAt(),
                j.completedAt());
    }
}
