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
        JobOptions options,

        @Schema(
                description = "Only on a failed job whose provider task may still finish (failed at its deadline,"
                        + " by an operator, or on provider answers without a usable record of the task): until"
                        + " when its result is still asked for; if it comes by then it is delivered free of charge"
                        + " (assetUrl set, lateDelivery true). Trying again starts a new, paid job")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        Instant lateResultUntil) {

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
                j.options(),
                j.lateResultUntil());
    }
}
