package dev.renderbank.generation.web;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobPage;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.platform.CursorPaging;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The client API for generation: thin — parse, call the facade, render the outcome. */
@RestController
@RequestMapping("/api/v1")
class GenerationController {

    private final Generations generations;

    GenerationController(Generations generations) {
        this.generations = generations;
    }

    /**
     * A field a request type does not have (an image's aspect ratio or duration, a video's output
     * format, a misspelt option) is refused naming it, as in every JSON body (platform's
     * StrictJsonBodies): ignored, it was charged for and not honoured.
     */
    record ImageRequest(String model, String prompt, List<String> imageUrls, String resolution, String outputFormat) {}

    record VideoRequest(
            String model,
            String prompt,
            List<String> imageUrls,
            String aspectRatio,
            Integer durationSeconds,
            String resolution) {}

    record Accepted(String taskId, String status, long creditsHeld, String statusUrl) {}

    @ApiResponse(
            responseCode = "202",
            description = ApiDocsText.ACCEPTED,
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Accepted.class)))
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
    @PostMapping("/generate-image")
    ResponseEntity<?> generateImage(
            @AuthenticationPrincipal CurrentUser user,
            @RequestBody ImageRequest body,
            @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        var spec = new GenerationSpec(
                AssetType.IMAGE,
                body.model(),
                body.prompt(),
                body.imageUrls(),
                body.resolution(),
                body.outputFormat(),
                null,
                null);
        return AcceptAnswers.of(generations.accept(user.id(), spec, checkKey(key)));
    }

    @ApiResponse(
            responseCode = "202",
            description = ApiDocsText.ACCEPTED,
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Accepted.class)))
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
    @PostMapping("/generate-video")
    ResponseEntity<?> generateVideo(
            @AuthenticationPrincipal CurrentUser user,
            @RequestBody VideoRequest body,
            @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        var spec = new GenerationSpec(
                AssetType.VIDEO,
                body.model(),
                body.prompt(),
                body.imageUrls(),
                body.resolution(),
                null,
                body.aspectRatio(),
                body.durationSeconds());
        return AcceptAnswers.of(generations.accept(user.id(), spec, checkKey(key)));
    }

    @ApiResponse(
            responseCode = "200",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobJson.class)))
    @GetMapping({"/generations/{taskId}", "/video-status/{taskId}"})
    ResponseEntity<?> status(@AuthenticationPrincipal CurrentUser user, @PathVariable String taskId) {
        return generations
                .find(user.id(), taskId)
                .<ResponseEntity<?>>map(j -> ResponseEntity.ok(JobJson.of(j)))
                .orElseGet(() -> notFound(taskId));
    }

    @ApiResponse(
            responseCode = "200",
            description = "Cancelled, its credits released: by this request, or by an earlier cancel of the"
                    + " caller's (a repeat gets the same answer and changes nothing)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobJson.class)))
    @ApiResponse(
            responseCode = "409",
            description = "Being sent to or at the provider (which cannot cancel), or finished otherwise than by"
                    + " the caller's cancel; the detail says which",
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @PostMapping("/generations/{taskId}/cancel")
    ResponseEntity<?> cancel(@AuthenticationPrincipal CurrentUser user, @PathVariable String taskId) {
        return CancelAnswers.of(generations.cancel(user.id(), taskId), taskId);
    }

    @ApiResponse(
            responseCode = "200",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ApiDocsText.JobList.class)))
    @GetMapping("/generations")
    Map<String, Object> list(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "20") int limit,
            HttpServletRequest request) {
        CursorPaging.refuseForeign(request, 100);
        JobPage page = generations.list(user.id(), type, status, cursor, limit);
        var items = page.items().stream().map(JobJson::of).toList();
        // nextCursor null on the last page, as the other lists answer it
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("items", items);
        answer.put("nextCursor", page.nextCursor());
        return answer;
    }

    static ResponseEntity<ProblemDetail> notFound(String taskId) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No generation " + taskId));
    }

    static String checkKey(String key) {
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw new InvalidFieldException("Idempotency-Key", "must be 1 to 200 characters");
        }
        return key;
    }
}
