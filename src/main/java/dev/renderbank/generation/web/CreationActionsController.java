package dev.renderbank.generation.web;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.RetryOutcome;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** What an owner does with a finished creation: try a failed one again, delete a file. */
@RestController
class CreationActionsController {

    private final Generations generations;

    CreationActionsController(Generations generations) {
        this.generations = generations;
    }

    /** 202 like generate (a new job, same input, priced and held again), or the same refusals. */
    @ApiResponse(
            responseCode = "202",
            description = "A new job with the same input; its price is held",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GenerationController.Accepted.class)))
    @ApiResponse(
            responseCode = "402",
            description = ApiDocsText.NOT_ENOUGH,
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @ApiResponse(
            responseCode = "429",
            description = ApiDocsText.TOO_MANY,
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @ApiResponse(
            responseCode = "503",
            description = ApiDocsText.UNAVAILABLE,
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @ApiResponse(
            responseCode = "409",
            description = "Only a failed generation can be tried again",
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @PostMapping("/api/v1/generations/{taskId}/retry")
    ResponseEntity<?> retry(
            @AuthenticationPrincipal CurrentUser user,
            @PathVariable String taskId,
            @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        RetryOutcome outcome = generations.retry(user.id(), taskId, GenerationController.checkKey(key));
        if (outcome instanceof RetryOutcome.Decided d) {
            return AcceptAnswers.of(d.outcome());
        }
        if (outcome instanceof RetryOutcome.NotFailed n) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(Problems.of(
                            HttpStatus.CONFLICT,
                            "not-retryable",
                            "Cannot try again",
                            "Only a failed generation can be tried again; this one is "
                                    + n.job().state().status() + "."));
        }
        if (outcome instanceof RetryOutcome.NotFound) {
            return GenerationController.notFound(taskId);
        }
        throw new IllegalStateException("unexpected retry outcome " + outcome);
    }

    /** 204; the credits stay charged. 404 for another user's job or one without a file left. */
    @ApiResponse(responseCode = "204", description = "The file is deleted; the job stays, charged", content = @Content)
    @ApiResponse(
            responseCode = "503",
            description = ApiDocsText.STORAGE_UNAVAILABLE,
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @DeleteMapping("/api/v1/generations/{taskId}/asset")
    ResponseEntity<?> deleteOutput(@AuthenticationPrincipal CurrentUser user, @PathVariable String taskId) {
        if (generations.deleteOutput(user.id(), taskId)) {
            return ResponseEntity.noContent().build();
        }
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(
                        HttpStatus.NOT_FOUND, "not-found", "Not found", "No stored file for generation " + taskId));
    }

    @ApiResponse(responseCode = "204", description = "The file is deleted; its job stays, charged", content = @Content)
    @ApiResponse(
            responseCode = "503",
            description = ApiDocsText.STORAGE_UNAVAILABLE,
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @DeleteMapping("/api/v1/assets/{id}")
    ResponseEntity<?> deleteAsset(@AuthenticationPrincipal CurrentUser user, @PathVariable String id) {
        if (generations.deleteAsset(user.id(), id)) {
            return ResponseEntity.noContent().build();
        }
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No asset " + id));
    }
}
