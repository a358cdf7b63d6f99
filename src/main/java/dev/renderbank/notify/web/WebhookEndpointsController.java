package dev.renderbank.notify.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.StillSignedIn;
import dev.renderbank.notify.ResendOutcome;
import dev.renderbank.notify.WebhookCreated;
import dev.renderbank.notify.WebhookDelivery;
import dev.renderbank.notify.WebhookEndpoint;
import dev.renderbank.notify.WebhookOutcome;
import dev.renderbank.notify.Webhooks;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's webhook endpoints (CONTRACT.md). A bearer token may manage them as well as a browser
 * session (which needs its CSRF token, as on every session call). Another user's endpoint is a 404.
 */
@RestController
@RequestMapping("/api/v1/webhook-endpoints")
class WebhookEndpointsController {

    /** The OpenAPI content of a refusal (annotation values must be constants). */
    private static final String PROBLEM_JSON = "application/problem+json";

    private static final String PROBLEM = "#/components/schemas/Problem";

    private final Webhooks webhooks;
    private final StillSignedIn signedIn;
    private final Clock clock;

    WebhookEndpointsController(Webhooks webhooks, StillSignedIn signedIn, Clock clock) {
        this.webhooks = webhooks;
        this.signedIn = signedIn;
        this.clock = clock;
    }

    record Body(String url, List<String> events) {}

    record Items<T>(List<T> items) {}

    record Created(String id, String url, List<String> events, String secret, java.time.Instant createdAt) {}

    /** An endpoint's deliveries, newest first (the OpenAPI schema of the deliveries route). */
    record Deliveries(List<WebhookDelivery> items) {}

    @GetMapping
    Items<WebhookEndpoint> list(@AuthenticationPrincipal CurrentUser user) {
        return new Items<>(webhooks.endpoints(user.id()));
    }

    @ApiResponse(
            responseCode = "201",
            description = "The new endpoint; `secret` (`whsec_…`) is shown only here",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Created.class)))
    @ApiResponse(
            responseCode = "409",
            description = "`webhook-endpoint-limit`: the caller has `renderbank.webhooks.max-endpoints-per-user`"
                    + " endpoints; delete one first",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = PROBLEM)))
    @ApiResponse(
            responseCode = "422",
            description = "`errors` names `url`: its port cannot be used (0 or above 65535)",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = PROBLEM)))
    @PostMapping
    ResponseEntity<?> create(
            @AuthenticationPrincipal CurrentUser user,
            @RequestBody(required = false) Body body,
            HttpServletRequest request) {
        if (body == null) {
            throw new InvalidFieldException("url", "is required: send {\"url\": \"https://…\", \"events\": [...]}");
        }
        WebhookOutcome outcome = webhooks.register(signedIn.caller(request, user), body.url(), body.events());
        if (outcome instanceof WebhookOutcome.Invalid i) {
            Map<String, String> fields = new LinkedHashMap<>();
            i.problems().forEach(p -> fields.put(p.field(), p.message()));
            throw new InvalidFieldException(HttpStatus.BAD_REQUEST, fields);
        }
        if (outcome instanceof WebhookOutcome.Unusable u) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_CONTENT, u.field(), u.message());
        }
        if (outcome instanceof WebhookOutcome.AlreadyRegistered a) {
            ProblemDetail p = Problems.of(
                    HttpStatus.CONFLICT,
                    "webhook-endpoint-exists",
                    "Webhook endpoint exists",
                    "You have registered this URL already (" + a.id() + "): it would get every event twice."
                            + " To change its events or get a new secret, delete it first");
            p.setProperty("endpointId", a.id());
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Problems.withFieldError(p, "url", p.getDetail()));
        }
        if (outcome instanceof WebhookOutcome.TooMany t) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(Problems.of(
                            HttpStatus.CONFLICT,
                            "webhook-endpoint-limit",
                            "Too many webhook endpoints",
                            "You have " + t.max() + " webhook endpoints, the most allowed; delete one first"));
        }
        if (outcome instanceof WebhookOutcome.SignedOut) {
            // the answer the caller's next request gets: its token or session no longer works
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .body(Problems.of(
                            HttpStatus.UNAUTHORIZED,
                            "unauthorized",
                            "Unauthorized",
                            "You were signed out while this request was under way (a password reset, a"
                                    + " password change or a revoked API token): no webhook endpoint was"
                                    + " registered. Sign in again."));
        }
        if (outcome instanceof WebhookOutcome.AccountSuspended) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body(Problems.of(
                            HttpStatus.FORBIDDEN,
                            "account-suspended",
                            "Account suspended",
                            "This account is suspended: no webhook endpoint was registered."));
        }
        if (outcome instanceof WebhookOutcome.AccountGone) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body(Problems.of(
                            HttpStatus.FORBIDDEN, "account-deleted", "Account deleted", "This account was deleted"));
        }
        WebhookCreated c = ((WebhookOutcome.Created) outcome).created();
        WebhookEndpoint e = c.endpoint();
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new Created(e.id(), e.url(), e.events(), c.secret(), e.createdAt()));
    }

    @ApiResponse(responseCode = "204", description = "Removed, with its deliveries", content = @Content)
    @DeleteMapping("/{id}")
    ResponseEntity<?> delete(@AuthenticationPrincipal CurrentUser user, @PathVariable String id) {
        return webhooks.remove(user.id(), id) ? ResponseEntity.noContent().build() : notFound(id);
    }

    @ApiResponse(
            responseCode = "200",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Deliveries.class)))
    @GetMapping("/{id}/deliveries")
    ResponseEntity<?> deliveries(@AuthenticationPrincipal CurrentUser user, @PathVariable String id) {
        return webhooks.deliveries(user.id(), id)
                .<ResponseEntity<?>>map(d -> ResponseEntity.ok(new Deliveries(d)))
                .orElseGet(() -> notFound(id));
    }

    @ApiResponse(
            responseCode = "202",
            description = "Queued again: the same `webhook-id` and body, a new retry window",
            content =
                    @Content(mediaType = "application/json", schema = @Schema(implementation = WebhookDelivery.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The endpoint is disabled: enable it first",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "429",
            description = "Resent less than `renderbank.webhooks.resend-interval` ago (`resend-too-soon`), or the user"
                    + " already resent `renderbank.webhooks.max-resends-per-user` deliveries in the"
                    + " current `renderbank.webhooks.resend-count-window` (`too-many-resends`);"
                    + " `Retry-After` says when it may be",
            content = @Content(mediaType = "application/problem+json"))
    @PostMapping("/{id}/deliveries/{deliveryId}/resend")
    ResponseEntity<?> resend(
            @AuthenticationPrincipal CurrentUser user, @PathVariable String id, @PathVariable String deliveryId) {
        ResendOutcome outcome = webhooks.resend(user.id(), id, deliveryId);
        if (outcome instanceof ResendOutcome.Queued q) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(q.delivery());
        }
        if (outcome instanceof ResendOutcome.TooSoon t) {
            return tooSoon(id, deliveryId, t);
        }
        if (outcome instanceof ResendOutcome.TooManyForUser t) {
            long seconds = secondsUntil(t.allowedAt());
            return tooMany(
                    Problems.of(
                            HttpStatus.TOO_MANY_REQUESTS,
                            "too-many-resends",
                            "Too many resends",
                            "You may resend " + t.max() + " deliveries per "
                                    + t.window().toMinutes() + " min, all endpoints together; wait " + seconds
                                    + " s before resending again"),
                    seconds);
        }
        if (outcome instanceof ResendOutcome.EndpointDisabled) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(Problems.of(
                            HttpStatus.CONFLICT,
                            "endpoint-disabled",
                            "Webhook endpoint disabled",
                            "Webhook endpoint " + id + " was disabled after failing for days; enable it (POST"
                                    + " /api/v1/webhook-endpoints/" + id + "/enable) once it answers, then resend"));
        }
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(
                        HttpStatus.NOT_FOUND,
                        "not-found",
                        "Not found",
                        "No delivery " + deliveryId + " of webhook endpoint " + id));
    }

    @ApiResponse(
            responseCode = "200",
            description = "Enabled: new events reach it again and its failures are counted afresh",
            content =
                    @Content(mediaType = "application/json", schema = @Schema(implementation = WebhookEndpoint.class)))
    @PostMapping("/{id}/enable")
    ResponseEntity<?> enable(@AuthenticationPrincipal CurrentUser user, @PathVariable String id) {
        return webhooks.enable(user.id(), id)
                .<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> notFound(id));
    }

    /** 429 with Retry-After: whole seconds, rounded up, until the delivery may be resent again. */
    private ResponseEntity<?> tooSoon(String id, String deliveryId, ResendOutcome.TooSoon t) {
        long seconds = secondsUntil(t.allowedAt());
        return tooMany(
                Problems.of(
                        HttpStatus.TOO_MANY_REQUESTS,
                        "resend-too-soon",
                        "Resent too recently",
                        "Delivery " + deliveryId + " of webhook endpoint " + id + " may be resent once per "
                                + t.interval().toSeconds() + " s; wait " + seconds + " s before resending it again"),
                seconds);
    }

    private long secondsUntil(java.time.Instant at) {
        long millis = Duration.between(clock.instant(), at).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    private static ResponseEntity<?> tooMany(ProblemDetail p, long seconds) {
        p.setProperty("retryAfterSeconds", seconds);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    private static ResponseEntity<?> notFound(String id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No webhook endpoint " + id));
    }
}
