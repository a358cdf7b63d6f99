package dev.renderbank.generation.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.generation.JobOptions;
import dev.renderbank.generation.JobView;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * The client's view of a job: every field of the API's status answer is always there, {@code null}
 * while not known (no asset, no error, not finished); {@code lateDelivery} appears only when true.
 * {@code prompt} and {@code options} are what the owner asked for (only the owner ever gets a job).
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
        Instant completedAt,

        @Schema(description = "The prompt as sent (at most 4,000 characters)")
        String prompt,

        @Schema(
                description = "The options as accepted, under the request's names and with defaults filled in:"
                        + " resolution, outputFormat (images), aspectRatio and durationSeconds (videos),"
                        + " imageUrls (only when reference images were given); others are left out")
        JobOptions options) {

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
                j.completedAt(),
                j.prompt(),
                j.options());
    }
}
