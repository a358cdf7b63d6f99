package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.DONE;
import static dev.renderbank.ops.web.ActionAnswers.JSON;
import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.reason;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.MailActions;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Sending an outbox email again, from the API and from the forms of {@code /admin/mail} and {@code
 * /admin/mail/{id}} (pages the notify module renders; the audited action is the operators').
 */
@Controller
class AdminMailActions {

    private final MailActions mail;

    AdminMailActions(MailActions mail) {
        this.mail = mail;
    }

    @PostMapping("/api/v1/admin/mail/{id}/resend")
    @ResponseBody
    @ApiResponse(
            responseCode = "200",
            description = DONE + "; `before`/`after`: `status`, `attempts` (`after.note` when it was pending already)",
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    @ApiResponse(responseCode = "404", description = "No email with this id")
    @ApiResponse(
            responseCode = "409",
            description = "Sent already (`mail-sent`), or held while no SMTP server is configured"
                    + " (`mail-not-delivering`)")
    @ApiResponse(
            responseCode = "422",
            description = "Its body was removed (`mail-body-removed`), its link expired (`mail-link-expired`: the"
                    + " user must ask for a new one), or the key was used for another action")
    ResponseEntity<?> resend(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(mail.resend(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    @PostMapping("/admin/mail/{id}/resend")
    String resendForm(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            RedirectAttributes flash) {
        var form = OperatorForm.check(reason, idempotencyKey, "send email " + id + " again", flash);
        if (form.isPresent()) {
            OperatorForm.outcome(
                    flash,
                    mail.resend(
                            admin.email(), id, form.get().reason(), form.get().key()),
                    a -> "Email " + id + ": sent again");
        }
        return "redirect:/admin/mail/" + id;
    }
}
