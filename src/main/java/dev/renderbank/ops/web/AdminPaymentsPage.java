package dev.renderbank.ops.web;

import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.billing.PaymentEvent;
import dev.renderbank.billing.UserPurchase;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.PaymentActions;
import dev.renderbank.platform.InvalidFieldException;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /admin/payments}: payment webhooks by state with their errors and "reprocess", open disputes
 * with "won"/"lost" for Creem's (Creem never reports a dispute's end), and the newest purchases with
 * what was granted, refunded and disputed; {@code POST /api/v1/admin/webhooks/{id}/reprocess} and
 * {@code POST /api/v1/admin/disputes/{id}/close} are the same repairs over the API.
 */
@Controller
class AdminPaymentsPage {

    /** Webhook events shown at once; older ones are a link away. */
    static final int PAGE = 100;

    private static final Set<String> STATUSES = Set.of("RECEIVED", "PROCESSED", "IGNORED", "FAILED");

    private final OperatorBilling billing;
    private final PaymentActions payments;
    private final Users users;

    AdminPaymentsPage(OperatorBilling billing, PaymentActions payments, Users users) {
        this.billing = billing;
        this.payments = payments;
        this.users = users;
    }

    /**
     * {@code user}: only the webhooks that name this user (their id in the metadata, or a provider id
     * of their purchases, subscriptions or checkouts) and their purchases; a user id or an email address.
     */
    @GetMapping("/admin/payments")
    String page(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) Long before,
            @RequestParam(required = false) String user,
            Model model,
            HttpServletResponse response) {
        String s = status == null || status.isBlank() ? null : status.trim().toUpperCase(Locale.ROOT);
        if (s != null && !STATUSES.contains(s)) {
            throw new InvalidFieldException("status", "must be one of " + STATUSES);
        }
        if (before != null && before < 1) {
            throw new InvalidFieldException("before", "must be an event's number (the older link's)");
        }
        model.addAttribute("status", s == null ? "" : s);
        model.addAttribute("counts", billing.paymentEventsByStatus());
        model.addAttribute("before", before);
        model.addAttribute("disputes", billing.openDisputes(100));
        model.addAttribute("newKey", UUID.randomUUID().toString());
        String who = user == null || user.isBlank() ? null : user.strip();
        model.addAttribute("user", who);
        if (who == null) {
            // the newest PAGE events before the cursor, and one more: whether an "older" link leads anywhere
            List<PaymentEvent> events = billing.paymentEvents(s, before, PAGE + 1);
            model.addAttribute("events", events.subList(0, Math.min(PAGE, events.size())));
            model.addAttribute(
                    "olderBefore", events.size() > PAGE ? events.get(PAGE - 1).id() : null);
            model.addAttribute("purchases", billing.recentPurchases(50));
            return "admin/payments";
        }
        Optional<UserAccount> account = account(who);
        if (account.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("userNotFound", true);
            model.addAttribute("events", List.of());
            model.addAttribute("purchases", List.of());
            return "admin/payments";
        }
        long id = account.get().id();
        model.addAttribute("userId", id);
        var events = billing.paymentEventsOf(id, account.get().createdAt(), s, before, PAGE + 1);
        model.addAttribute("events", events.subList(0, Math.min(PAGE, events.size())));
        model.addAttribute(
                "olderBefore", events.size() > PAGE ? events.get(PAGE - 1).id() : null);
        model.addAttribute(
                "purchases",
                billing.purchases(id).stream().map(p -> new UserPurchase(id, p)).toList());
        return "admin/payments";
    }

    /** A user id (digits) or an email address, as the users page takes them. */
    private Optional<UserAccount> account(String who) {
        if (who.chars().allMatch(Character::isDigit) && who.length() < 19) {
            return users.byId(Long.parseLong(who));
        }
        return users.byEmail(who);
    }

    @PostMapping("/admin/payments/webhooks/{id}/reprocess")
    String reprocessForm(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            RedirectAttributes flash) {
        var form = OperatorForm.check(reason, idempotencyKey, "reprocess payment event " + id, flash);
        if (form.isEmpty()) {
            return "redirect:/admin/payments";
        }
        ActionResult result = payments.reprocess(
                admin.email(), id, form.get().reason(), form.get().key());
        OperatorForm.outcome(flash, result, a -> "Payment event " + id + ": reprocessed");
        return "redirect:/admin/payments";
    }

    @PostMapping("/api/v1/admin/webhooks/{id}/reprocess")
    @ResponseBody
    @ApiResponse(
            responseCode = "200",
            description = ActionAnswers.DONE + "; `before`/`after` status, `after.result`",
            content = @Content(mediaType = ActionAnswers.JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> reprocess(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return ActionAnswers.answer(
                payments.reprocess(
                        admin.email(),
                        id,
                        ActionAnswers.reason(body.reason()),
                        ActionAnswers.key(idempotencyKey, false)),
                false);
    }

    @PostMapping("/admin/payments/disputes/{id}/close")
    String closeDisputeForm(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String id,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            RedirectAttributes flash) {
        boolean won;
        try {
            won = DisputeCloseBody.won(outcome);
        } catch (InvalidFieldException e) {
            OperatorForm.refuse(flash, "Cannot close dispute " + id + ": the outcome must be won or lost.");
            return "redirect:/admin/payments";
        }
        var form = OperatorForm.check(reason, idempotencyKey, "close dispute " + id, flash);
        if (form.isEmpty()) {
            return "redirect:/admin/payments";
        }
        ActionResult result = payments.closeDispute(
                admin.email(), id, won, form.get().reason(), form.get().key());
        OperatorForm.outcome(flash, result, a -> "Dispute " + id + ": closed as " + (won ? "won" : "lost"));
        return "redirect:/admin/payments";
    }

    @PostMapping("/api/v1/admin/disputes/{id}/close")
    @ResponseBody
    @ApiResponse(
            responseCode = "200",
            description = ActionAnswers.DONE
                    + "; `after.status` WON or LOST, `after.result` what was given back or stays clawed back",
            content = @Content(mediaType = ActionAnswers.JSON, schema = @Schema(implementation = ActionRecord.class)))
    @ApiResponse(responseCode = "404", description = "No dispute with this id")
    @ApiResponse(responseCode = "409", description = "The dispute is closed already with the other outcome")
    @ApiResponse(responseCode = "422", description = "A Stripe dispute (Stripe closes its own), or a key reused")
    ResponseEntity<?> closeDispute(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody DisputeCloseBody body) {
        boolean won = DisputeCloseBody.won(body.outcome());
        return ActionAnswers.answer(
                payments.closeDispute(
                        admin.email(),
                        id,
                        won,
                        ActionAnswers.reason(body.reason()),
                        ActionAnswers.key(idempotencyKey, false)),
                false);
    }
}
