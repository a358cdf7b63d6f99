package dev.renderbank.generation.web;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.StillSignedIn;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events of a job's status. Event ids are the job's version, so a client that
 * reconnects with {@code Last-Event-ID} gets only what it missed. {@link JobStreams} keeps the
 * streams: heartbeats, the per-user cap, changes signalled from any node.
 */
@RestController
class JobEventsController {

    private static final long STOPPING_RETRY_AFTER_SECONDS = 5;

    private final Generations generations;
    private final JobStreams streams;
    private final StillSignedIn signedIn;

    JobEventsController(Generations generations, JobStreams streams, StillSignedIn signedIn) {
        this.generations = generations;
        this.streams = streams;
        this.signedIn = signedIn;
    }

    @ApiResponse(
            responseCode = "200",
            description = "`status` events whose data is the status document; ids are versions (Last-Event-ID)",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(implementation = JobJson.class)))
    @ApiResponse(
            responseCode = "429",
            description = "`too-many-streams`: the caller has the most event streams open; close one or poll"
                    + " (`Retry-After`, `retryAfterSeconds`)",
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @ApiResponse(
            responseCode = "503",
            description = "`shutting-down`: this server is stopping; open the stream again (`Retry-After`), or poll",
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @GetMapping("/api/v1/generations/{taskId}/events")
    ResponseEntity<?> stream(
            @AuthenticationPrincipal CurrentUser user,
            @PathVariable String taskId,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            HttpServletRequest request) {
        Optional<JobView> job = generations.find(user.id(), taskId);
        if (job.isEmpty()) {
            // the client asked for an event stream; the refusal is problem+json all the same
            return withProblemType(GenerationController.notFound(taskId));
        }
        // the stream ends once its caller is signed out (or suspended, deleted, its token revoked)
        Optional<SseEmitter> emitter =
                streams.open(user.id(), job.get(), parseVersion(lastEventId), signedIn.checkFor(request, user));
        if (emitter.isEmpty() && streams.stopping()) {
            return stopping();
        }
        if (emitter.isEmpty()) {
            long seconds = Math.max(1, streams.heartbeat().toSeconds());
            ProblemDetail p = Problems.of(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "too-many-streams",
                    "Too many event streams",
                    "You already have " + streams.maxPerUser() + " event streams open. Close one, or poll "
                            + "/api/v1/generations/" + taskId + " instead.");
            p.setProperty("retryAfterSeconds", seconds);
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header("Retry-After", Long.toString(seconds))
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(p);
        }
        // a buffering reverse proxy (nginx, and those that read its header) would hold the events back
        // until its buffer fills or the stream ends: the progress bar would stand still
        return ResponseEntity.ok()
                .header("X-Accel-Buffering", "no")
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .body(emitter.get());
    }

    /** This node is stopping: another one (behind the same balancer) opens the stream. */
    private static ResponseEntity<?> stopping() {
        ProblemDetail p = Problems.of(
                HttpStatus.SERVICE_UNAVAILABLE,
                "shutting-down",
                "This server is stopping",
                "This server is stopping. Open the stream again in a few seconds (another server answers),"
                        + " or poll the job's status.");
        p.setProperty("retryAfterSeconds", STOPPING_RETRY_AFTER_SECONDS);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", Long.toString(STOPPING_RETRY_AFTER_SECONDS))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    private static ResponseEntity<?> withProblemType(ResponseEntity<ProblemDetail> problem) {
        return ResponseEntity.status(problem.getStatusCode())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem.getBody());
    }

    private static long parseVersion(String lastEventId) {
        try {
            return lastEventId == null ? 0 : Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
