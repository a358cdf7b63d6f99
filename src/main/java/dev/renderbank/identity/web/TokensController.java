package dev.renderbank.identity.web;

import dev.renderbank.identity.ApiToken;
import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.TokenOutcome;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/tokens}. Listing works with any login; creating and revoking only with the browser
 * session (CSRF-checked by the API chain), so whoever holds a leaked token cannot mint successors
 * that outlive its revocation, nor revoke the owner's other tokens.
 */
@RestController
@RequestMapping("/api/v1/tokens")
class TokensController {

    /** The OpenAPI content of a refusal (annotation values must be constants). */
    private static final String PROBLEM_JSON = "application/problem+json";

    private static final String PROBLEM = "#/components/schemas/Problem";

    private final ApiTokens tokens;
    private final Clock clock;

    TokensController(ApiTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    record TokenList(List<ApiToken> items) {}

    record CreateRequest(String name, Instant expiresAt) {}

    record Created(long id, String name, String token) {}

    @GetMapping
    TokenList list(@AuthenticationPrincipal CurrentUser user) {
        return new TokenList(tokens.list(user.id()));
    }

    @ApiResponse(
            responseCode = "201",
            description = "The new token; `token` (the secret) is shown only here",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Created.class)))
    @ApiResponse(
            responseCode = "422",
            description = "The caller has `renderbank.tokens.max-per-user` live tokens: revoke one first",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = PROBLEM)))
    @ApiResponse(
            responseCode = "429",
            description = "The caller created `renderbank.tokens.max-created-per-day` tokens in the last 24 hours"
                    + " (revoked and expired ones too): `Retry-After`, `retryAfterSeconds`, `limit`",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = PROBLEM)))
    @PostMapping
    ResponseEntity<?> create(
            @AuthenticationPrincipal CurrentUser user,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) CreateRequest body,
            HttpServletRequest request) {
        if (ApiTokens.isBearer(authorization)) {
            return sessionOnly("created");
        }
        if (body == null) {
            return invalid(HttpStatus.BAD_REQUEST, "name", "is required");
        }
        HttpSession session = request.getSession(false);
        TokenOutcome outcome =
                tokens.create(user.id(), session == null ? null : session.getId(), body.name(), body.expiresAt());
        if (outcome instanceof TokenOutcome.Created c) {
            return ResponseEntity.status(HttpStatus.CREATED).body(new Created(c.id(), c.name(), c.token()));
        }
        if (outcome instanceof TokenOutcome.Invalid i) {
            return invalid(HttpStatus.BAD_REQUEST, i.field(), i.message());
        }
        if (outcome instanceof TokenOutcome.AccountSuspended) {
            // the answer SuspendedAccountFilter gives the account's next call
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body(Problems.of(
                            HttpStatus.FORBIDDEN,
                            "account-suspended",
                            "Account suspended",
                            "This account is suspended: no token was created."));
        }
        if (outcome instanceof TokenOutcome.AccountGone) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body(Problems.of(
                            HttpStatus.FORBIDDEN, "account-deleted", "Account deleted", "This account was deleted"));
        }
        if (outcome instanceof TokenOutcome.SessionEnded) {
            // the answer the session's next call gets: it was signed out
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .body(Problems.of(
                            HttpStatus.UNAUTHORIZED,
                            "unauthorized",
                            "Unauthorized",
                            "This session was signed out (a password reset or change): no token was created."));
        }
        if (outcome instanceof TokenOutcome.TooManyCreated c) {
            return tooManyCreated(c);
        }
        TokenOutcome.TooMany t = (TokenOutcome.TooMany) outcome;
        return invalid(
                HttpStatus.UNPROCESSABLE_CONTENT,
                "name",
                "you already have " + t.max() + " live tokens; revoke one before creating another");
    }

    @ApiResponse(
            responseCode = "204",
            description = "Revoked: the token is refused (401) from now on",
            content = @Content)
    @DeleteMapping("/{id}")
    ResponseEntity<?> revoke(
            @AuthenticationPrincipal CurrentUser user,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @PathVariable long id) {
        if (ApiTokens.isBearer(authorization)) {
            return sessionOnly("revoked");
        }
        if (!tokens.revoke(user.id(), id)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No live token " + id));
        }
        return ResponseEntity.noContent().build();
    }

    private ResponseEntity<ProblemDetail> tooManyCreated(TokenOutcome.TooManyCreated c) {
        long wait = Math.max(1, Duration.between(clock.instant(), c.nextAt()).toSeconds());
        ProblemDetail p = Problems.of(
                HttpStatus.TOO_MANY_REQUESTS,
                "token-creation-limit",
                "Too many tokens created",
                "At most " + c.max() + " API tokens can be created in 24 hours (revoked and expired ones count too);"
                        + " the next can be created at " + c.nextAt().truncatedTo(ChronoUnit.SECONDS)
                        + ". Revoking a token does not free a creation: reuse a live token meanwhile.");
        p.setProperty("limit", c.max());
        p.setProperty("retryAfterSeconds", wait);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(wait))
                .body(p);
    }

    private static ResponseEntity<ProblemDetail> sessionOnly(String what) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .body(Problems.of(
                        HttpStatus.FORBIDDEN,
                        "session-required",
                        "Browser session required",
                        "API tokens can only be " + what
                                + " from a signed-in browser session (/account/tokens), not with an API token"));
    }

    private static ResponseEntity<ProblemDetail> invalid(HttpStatus status, String field, String message) {
        ProblemDetail p = Problems.of(status, "invalid-request", "Invalid request", field + " " + message);
        return ResponseEntity.status(status).body(Problems.withFieldError(p, field, message));
    }
}
