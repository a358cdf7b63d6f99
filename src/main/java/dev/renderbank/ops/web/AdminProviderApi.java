package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.DONE;
import static dev.renderbank.ops.web.ActionAnswers.JSON;
import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.reason;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.ProviderActions;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/provider/resume}: an operator resumes a provider held back as out of credits. */
@RestController
class AdminProviderApi {

    private final ProviderActions provider;

    AdminProviderApi(ProviderActions provider) {
        this.provider = provider;
    }

    @PostMapping("/api/v1/admin/provider/resume")
    @ApiResponse(
            responseCode = "200",
            description = DONE + "; `before` and `after` hold the provider's state",
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    @ApiResponse(responseCode = "409", description = "The provider is available already: nothing to resume")
    @ApiResponse(responseCode = "422", description = "The Idempotency-Key was used for another action")
    ResponseEntity<?> resume(
            @AuthenticationPrincipal CurrentUser admin,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(provider.resume(admin.email(), reason(body.reason()), key(idempotencyKey, false)), false);
    }
}
