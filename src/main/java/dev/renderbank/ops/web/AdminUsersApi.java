package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.DONE;
import static dev.renderbank.ops.web.ActionAnswers.JSON;
import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.reason;
import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.DossierPage;
import dev.renderbank.ops.UserActions;
import dev.renderbank.ops.UserLookup;
import dev.renderbank.platform.CursorPaging;
import dev.renderbank.platform.InvalidFieldException;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/users}: look a user up, and the audited repairs (ADMIN only, by the API chain). */
@RestController
class AdminUsersApi {

    private final UserLookup lookup;
    private final UserActions actions;

    AdminUsersApi(UserLookup lookup, UserActions actions) {
        this.lookup = lookup;
        this.actions = actions;
    }

    /** {@code notify} in JSON: email the user (a record component cannot be named notify). */
    record GrantBody(
            @Schema(description = "Credits to grant, 1 to renderbank.ops.max-grant", requiredMode = REQUIRED)
            Long amount,

            @Schema(description = "Why; recorded in the audit", requiredMode = REQUIRED)
            String reason,

            @Schema(description = "true: queue the compensation email to the user") @JsonProperty("notify")
            Boolean emailUser) {}

    record WaiveBody(
            @Schema(description = "Why; recorded in the audit", requiredMode = REQUIRED)
            String reason,

            @Schema(
                    description =
                            "Credits of debt to forgive at most, 1 to renderbank.ops.max-grant; without it all of the"
                                    + " user's debt (refused when that is above renderbank.ops.max-grant)")
            Long amount) {}

    @GetMapping("/api/v1/admin/users")
    @ApiResponse(
            responseCode = "200",
            description = "The user's balance, holds, history, jobs, purchases, tokens and operator actions",
            content = @Content(mediaType = JSON, schema = @Schema(implementation = AdminUserView.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No user with this email or id",
            content = @Content(mediaType = ActionAnswers.PROBLEM_JSON, schema = @Schema(ref = ActionAnswers.PROBLEM)))
    @ApiResponse(
            responseCode = "400",
            description = "No email or id, a cursor no answer gave, or a limit out of range",
            content = @Content(mediaType = ActionAnswers.PROBLEM_JSON, schema = @Schema(ref = ActionAnswers.PROBLEM)))
    ResponseEntity<?> find(
            HttpServletRequest request,
            @RequestParam(required = false) String email,
            @RequestParam(required = false) Long id,
            @Parameter(description = "jobsNextCursor of the previous answer: the next (older) jobs")
                    @RequestParam(required = false)
                    String jobsCursor,
            @Parameter(description = "historyNextCursor of the previous answer: the next (older) ledger entries")
                    @RequestParam(required = false)
                    String historyCursor,
            @Parameter(description = "Jobs and entries per page, 1 to 100 (default 20 jobs and 50 entries)")
                    @RequestParam(required = false)
                    String limit) {
        CursorPaging.refuseForeign(request, DossierPage.MAX_LIMIT);
        if ((email == null || email.isBlank()) && id == null) {
            throw new InvalidFieldException("email", "is required: give ?email= (or ?id=)");
        }
        DossierPage page = page(jobsCursor, historyCursor, limit);
        return (id != null ? lookup.byId(id, page) : lookup.find(email, page))
                .<ResponseEntity<?>>map(d -> ResponseEntity.ok(AdminUserView.of(d)))
                .orElseGet(() -> ActionAnswers.problem(
                        HttpStatus.NOT_FOUND, "not-found", "Not found", "No user " + (id != null ? id : email)));
    }

    /** The page of a dossier its parameters ask for; a limit out of range is refused naming it. */
    static DossierPage page(String jobsCursor, String historyCursor, String limit) {
        int jobs = DossierPage.FIRST.jobsLimit();
        int entries = DossierPage.FIRST.historyLimit();
        if (limit != null && !limit.isBlank()) {
            int n;
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1 || n > DossierPage.MAX_LIMIT) {
                throw new InvalidFieldException("limit", "must be a whole number from 1 to " + DossierPage.MAX_LIMIT);
            }
            jobs = n;
            entries = n;
        }
        return new DossierPage(blankless(jobsCursor), blankless(historyCursor), jobs, entries);
    }

    private static String blankless(String cursor) {
        return cursor == null || cursor.isBlank() ? null : cursor.strip();
    }

    @PostMapping("/api/v1/admin/users/{id}/grants")
    @ApiResponse(
            responseCode = "201",
            description = "Granted: the action record",
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    @ApiResponse(
            responseCode = "200",
            description = DONE,
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> grant(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody GrantBody body) {
        String key = key(idempotencyKey, true);
        if (body.amount() == null || body.amount() < 1) {
            throw new InvalidFieldException("amount", "must be a positive number of credits");
        }
        return answer(
                actions.grant(
                        admin.email(),
                        id,
                        body.amount(),
                        reason(body.reason()),
                        Boolean.TRUE.equals(body.emailUser()),
                        key),
                true);
    }

    @PostMapping("/api/v1/admin/users/{id}/waive-debt")
    @ApiResponse(
            responseCode = "200",
            description = DONE,
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> waiveDebt(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody WaiveBody body) {
        // Required, as for a grant: a retry with a key of its own would also forgive a debt the user
        // ran into after the first waiver, one the operator never saw.
        String key = key(idempotencyKey, true);
        if (body.amount() != null && body.amount() < 1) {
            throw new InvalidFieldException(
                    "amount", "must be a positive number of credits, or left out to forgive all");
        }
        return answer(actions.waiveDebt(admin.email(), id, reason(body.reason()), body.amount(), key), false);
    }

    @PostMapping("/api/v1/admin/users/{id}/suspend")
    @ApiResponse(
            responseCode = "200",
            description = DONE,
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> suspend(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        if (admin.id() == id) {
            throw new InvalidFieldException("id", "is your own account: an operator cannot suspend their own account");
        }
        return answer(actions.suspend(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    @PostMapping("/api/v1/admin/users/{id}/reinstate")
    @ApiResponse(
            responseCode = "200",
            description = DONE,
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> reinstate(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(actions.reinstate(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    @PostMapping("/api/v1/admin/users/{id}/revoke-tokens")
    @ApiResponse(
            responseCode = "200",
            description = DONE,
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> revokeTokens(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(
                actions.revokeTokens(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }
}
