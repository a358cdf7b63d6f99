package dev.renderbank.generation.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.generation.JobView;
import java.time.Instant;

/** The client's view of a job (CONTRACT.md); nulls are omitted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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
        Boolean lateDelivery,
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
