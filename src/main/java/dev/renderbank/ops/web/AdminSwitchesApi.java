package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.SwitchActions;
import dev.renderbank.ops.internal.OperatorReason;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Switches;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/switches}: pause or resume new generations (all, one model) and sales. */
@RestController
class AdminSwitchesApi {

    private final SwitchActions switches;

    AdminSwitchesApi(SwitchActions switches) {
        this.switches = switches;
    }

    record SwitchBody(
            @Schema(description = "true pauses, false resumes", requiredMode = Schema.RequiredMode.REQUIRED)
            Boolean paused,

            @Schema(description = "What refused users are told (at most 500 characters)")
            String message,

            @Schema(description = "Retry-After of the refusals, 1 to 86400 (default 300)")
            Integer retryAfterSeconds) {}

    /** One switch as operators see it; {@code message} is null when none was given. */
    record SwitchJson(
            String name, boolean paused, String message, long retryAfterSeconds, String updatedBy, String updatedAt) {}

    /** Every switch ever set. */
    record SwitchList(List<SwitchJson> items) {}

    @GetMapping("/api/v1/admin/switches")
    SwitchList all() {
        return new SwitchList(
                switches.all().stream().map(AdminSwitchesApi::json).toList());
    }

    @PutMapping("/api/v1/admin/switches/{name}")
    @ApiResponse(
            responseCode = "200",
            description = ActionAnswers.DONE,
            content = @Content(mediaType = ActionAnswers.JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> set(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String name,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody SwitchBody body) {
        String invalid = switches.invalidName(name);
        if (invalid != null) {
            throw new InvalidFieldException("name", invalid);
        }
        if (body.paused() == null) {
            throw new InvalidFieldException("paused", "is required (true to pause, false to resume)");
        }
        if (body.retryAfterSeconds() != null && (body.retryAfterSeconds() < 1 || body.retryAfterSeconds() > 86_400)) {
            throw new InvalidFieldException("retryAfterSeconds", "must be between 1 and 86400");
        }
        if (body.message() != null && body.message().length() > 500) {
            throw new InvalidFieldException("message", "must be at most 500 characters");
        }
        if (body.message() != null && !body.message().isBlank()) {
            // what refused users read and the reason the audit records: the operator reason rule
            OperatorReason.problem(body.message()).ifPresent(p -> {
                throw new InvalidFieldException("message", p);
            });
        }
        return answer(
                switches.set(
                        admin.email(),
                        name,
                        body.paused(),
                        body.message(),
                        body.retryAfterSeconds(),
                        key(idempotencyKey, false)),
                false);
    }

    static SwitchJson json(Switches.Switch s) {
        return new SwitchJson(
                s.name(),
                s.paused(),
                s.message(),
                s.retryAfter().toSeconds(),
                s.updatedBy(),
                s.updatedAt().toString());
    }

    static List<String> names() {
        return List.of(Switches.GENERATION, Switches.SALES);
    }
}
