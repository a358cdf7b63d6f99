package dev.renderbank.identity.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.TimeZoneChange;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/me}: the caller's account, and the one setting of it an API client may change, the
 * time zone the daily rewards count calendar days in.
 */
@RestController
@RequestMapping("/api/v1/me")
class MeController {

    private final Users users;

    MeController(Users users) {
        this.users = users;
    }

    record Me(long id, String email, boolean emailVerified, String timeZone, Instant createdAt) {
        static Me of(UserAccount u) {
            return new Me(u.id(), u.email(), u.emailVerified(), u.timeZone(), u.createdAt());
        }
    }

    record Change(String timeZone) {}

    @ApiResponse(
            responseCode = "200",
            description = "The caller's account: `timeZone` is the calendar the daily rewards count days in",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Me.class)))
    @GetMapping
    ResponseEntity<?> get(@AuthenticationPrincipal CurrentUser user) {
        return users.byId(user.id())
                .<ResponseEntity<?>>map(u -> ResponseEntity.ok(Me.of(u)))
                .orElseGet(MeController::gone);
    }

    /** Changes {@code timeZone} (required: it is the only field); an unknown zone writes nothing. */
    @ApiResponse(
            responseCode = "200",
            description = "The caller's account with the new `timeZone`; 400 naming `timeZone` (nothing written)"
                    + " for one that is not an IANA zone id such as `Europe/Berlin`",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Me.class)))
    @PatchMapping
    ResponseEntity<?> change(@AuthenticationPrincipal CurrentUser user, @RequestBody(required = false) Change body) {
        if (body == null || body.timeZone() == null) {
            throw new InvalidFieldException("timeZone", "is required: an IANA time zone such as \"Europe/Berlin\"");
        }
        TimeZoneChange change = users.changeTimeZone(user.id(), body.timeZone());
        if (change instanceof TimeZoneChange.Unknown u) {
            throw new InvalidFieldException("timeZone", u.message());
        }
        if (change instanceof TimeZoneChange.AccountGone) {
            return gone();
        }
        return get(user);
    }

    private static ResponseEntity<?> gone() {
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .body(Problems.of(
                        HttpStatus.FORBIDDEN, "account-deleted", "Account deleted", "This account was deleted"));
    }
}
