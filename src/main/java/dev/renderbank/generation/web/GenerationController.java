package dev.renderbank.generation.web;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.AcceptOutcome;
import dev.renderbank.generation.CancelOutcome;
import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobPage;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import java.net.URI;
import java.time.Duration;
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

    record ImageRequest(String model, String prompt, List<String> imageUrls, String resolution, String outputFormat) {}

    record VideoRequest(
            String model,
            String prompt,
            List<String> imageUrls,
            String aspectRatio,
            Integer durationSeconds,
            String resolution) {}

    record Accepted(String taskId, String status, long creditsHeld, String statusUrl) {}

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
        return answer(generations.accept(user.id(), spec, checkKey(key)));
    }

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
        return answer(generations.accept(user.id(), spec, checkKey(key)));
    }

    @GetMapping({"/generations/{taskId}", "/video-status/{taskId}"})
    ResponseEntity<?> status(@AuthenticationPrincipal CurrentUser user, @PathVariable String taskId) {
        return generations
                .find(user.id(), taskId)
                .<ResponseEntity<?>>map(j -> ResponseEntity.ok(JobJson.of(j)))
                .orElseGet(() -> notFound(taskId));
    }

    @PostMapping("/generations/{taskId}/cancel")
    ResponseEntity<?> cancel(@AuthenticationPrincipal CurrentUser user, @PathVariable String taskId) {
        CancelOutcome outcome = generations.cancel(user.id(), taskId);
        if (outcome instanceof CancelOutcome.Cancelled c) {
            return ResponseEntity.ok(JobJson.of(c.job()));
        }
        if (outcome instanceof CancelOutcome.TooLate) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(
                            Problems.of(
                                    HttpStatus.CONFLICT,
                                    "not-cancellable",
                                    "Cannot cancel",
                                    "This generation has already reached the provider (which cannot cancel it) or has finished."));
        }
        if (outcome instanceof CancelOutcome.NotFound) {
            return notFound(taskId);
        }
        throw new IllegalStateException("unexpected cancel outcome " + outcome);
    }

    @GetMapping("/generations")
    Map<String, Object> list(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "20") int limit) {
        JobPage page = generations.list(user.id(), status, cursor, limit);
        var items = page.items().stream().map(JobJson::of).toList();
        return page.nextCursor() == null
                ? Map.of("items", items)
                : Map.of("items", items, "nextCursor", page.nextCursor());
    }

    static ResponseEntity<ProblemDetail> notFound(String taskId) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No generation " + taskId));
    }

    private static String checkKey(String key) {
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw new InvalidFieldException("Idempotency-Key", "must be 1 to 200 characters");
        }
        return key;
    }

    private ResponseEntity<?> answer(AcceptOutcome outcome) {
        if (outcome instanceof AcceptOutcome.Accepted a) {
            return accepted(a.job());
        }
        if (outcome instanceof AcceptOutcome.Invalid i) {
            HttpStatus s = i.unprocessable() ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.BAD_REQUEST;
            ProblemDetail p = Problems.of(s, "invalid-request", "Invalid request", i.field() + " " + i.message());
            p.setProperty("errors", List.of(Map.of("field", i.field(), "message", i.message())));
            return ResponseEntity.status(s).body(p);
        }
        if (outcome instanceof AcceptOutcome.ProviderUnavailable u) {
            return withRetryAfter(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "provider-unavailable",
                    "Generation temporarily unavailable",
                    u.reason() + " Please try again later.",
                    u.retryAfter());
        }
        if (outcome instanceof AcceptOutcome.Paused p) {
            return withRetryAfter(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "generation-paused",
                    "Generation paused",
                    p.message() == null || p.message().isBlank()
                            ? "New generations are paused by the operators. Nothing was held; please try again later."
                            : p.message(),
                    p.retryAfter());
        }
        if (outcome instanceof AcceptOutcome.CoolingDown c) {
            return withRetryAfter(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "cooldown",
                    "Too many requests",
                    "Please wait " + human(c.remaining()) + " before starting another "
                            + c.type().label() + " generation. This limit protects the service for everyone.",
                    c.remaining());
        }
        if (outcome instanceof AcceptOutcome.TooManyInFlight t) {
            return withRetryAfter(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "in-flight-limit",
                    "Too many requests",
                    "You already have " + t.cap() + " " + t.type().label() + " generation" + (t.cap() == 1 ? "" : "s")
                            + " in progress. Please wait for " + (t.cap() == 1 ? "it" : "one")
                            + " to finish before starting another.",
                    t.retryAfter());
        }
        if (outcome instanceof AcceptOutcome.NotEnoughCredits n) {
            String detail = n.debt() > 0
                    ? "You owe " + n.debt()
                            + " credits (a refunded or disputed purchase); new generations need the debt paid first."
                    : "This generation costs " + n.needed() + " credits; you have " + n.available() + " available.";
            ProblemDetail p =
                    Problems.of(HttpStatus.PAYMENT_REQUIRED, "insufficient-credits", "Not enough credits", detail);
            p.setProperty("needed", n.needed());
            p.setProperty("available", n.available());
            p.setProperty("debt", n.debt());
            return ResponseEntity.status(HttpStatus.PAYMENT_REQUIRED).body(p);
        }
        if (outcome instanceof AcceptOutcome.KeyReusedWithDifferentRequest) {
            ProblemDetail p = Problems.of(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "idempotency-key-reused",
                    "Idempotency-Key reused",
                    "This Idempotency-Key was already used with a different request body; use a new key for a new request.");
            return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(p);
        }
        throw new IllegalStateException("unexpected accept outcome " + outcome);
    }

    private static ResponseEntity<?> accepted(JobView job) {
        String statusUrl = "/api/v1/generations/" + job.id();
        return ResponseEntity.accepted()
                .location(URI.create(statusUrl))
                .body(new Accepted(job.id(), job.state().status(), job.creditsHeld(), statusUrl));
    }

    private static ResponseEntity<?> withRetryAfter(
            HttpStatus status, String type, String title, String detail, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        ProblemDetail p = Problems.of(status, type, title, detail);
        p.setProperty("retryAfterSeconds", seconds);
        return ResponseEntity.status(status)
                .header("Retry-After", Long.toString(seconds))
                .body(p);
    }

    static String human(Duration d) {
        long s = Math.max(1, (d.toMillis() + 999) / 1000);
        if (s < 60) {
            return s + (s == 1 ? " second" : " seconds");
        }
        long m = (s + 59) / 60;
        return m + (m == 1 ? " minute" : " minutes");
    }
}
