package dev.renderbank.ops.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.OperatorAction;
import dev.renderbank.ops.OpsProperties;
import dev.renderbank.ops.UserActions;
import dev.renderbank.ops.UserLookup;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /admin/users}: the same lookups and actions as the API, as forms.
 * Each form carries a fresh idempotency key, so a double submit acts once; after an action the
 * browser is redirected (post/redirect/get), so a reload does not post again.
 */
@Controller
class AdminUserPages {

    private final UserLookup lookup;
    private final UserActions actions;
    private final OpsProperties limits;

    AdminUserPages(UserLookup lookup, UserActions actions, OpsProperties limits) {
        this.lookup = lookup;
        this.actions = actions;
        this.limits = limits;
    }

    @GetMapping("/admin/users")
    String users(
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String jobsCursor,
            @RequestParam(required = false) String historyCursor,
            Model model) {
        model.addAttribute("q", q == null || q.isBlank() ? null : q.trim());
        // a cursor the page did not give (edited by hand) is refused naming it: the error page says so
        model.addAttribute(
                "d",
                lookup.find(q, AdminUsersApi.page(jobsCursor, historyCursor, null))
                        .orElse(null));
        model.addAttribute("jobsCursor", jobsCursor == null || jobsCursor.isBlank() ? null : jobsCursor.strip());
        model.addAttribute(
                "historyCursor", historyCursor == null || historyCursor.isBlank() ? null : historyCursor.strip());
        model.addAttribute("newKey", UUID.randomUUID().toString());
        model.addAttribute("maxGrant", limits.maxGrant());
        return "admin/users";
    }

    @PostMapping("/admin/users/{id}/grant")
    String grant(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestParam(required = false) Long amount,
            @RequestParam(required = false) String reason,
            @RequestParam(defaultValue = "false") boolean notify,
            @RequestParam(required = false) String idempotencyKey,
            RedirectAttributes flash) {
        if (amount == null || amount < 1) {
            return refused(flash, id, "Give a positive number of credits.");
        }
        var form = OperatorForm.check(reason, idempotencyKey, "grant credits to user " + id, flash);
        if (form.isEmpty()) {
            return back(id);
        }
        return done(
                flash,
                id,
                actions.grant(
                        admin.email(),
                        id,
                        amount,
                        form.get().reason(),
                        notify,
                        form.get().key()));
    }

    @PostMapping("/admin/users/{id}/{action:waive-debt|suspend|reinstate|revoke-tokens}")
    String act(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @PathVariable String action,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            @RequestParam(required = false) String amount,
            RedirectAttributes flash) {
        Long waive = null; // waive-debt only: credits to forgive at most, blank for all
        if (action.equals("waive-debt") && amount != null && !amount.isBlank()) {
            waive = positive(amount.trim());
            if (waive == null) {
                return refused(flash, id, "Give a positive number of credits to forgive, or leave it empty for all.");
            }
        }
        String what = switch (action) {
                    case "waive-debt" -> "waive the debt of";
                    case "revoke-tokens" -> "revoke the tokens of";
                    default -> action;
                }
                + " user " + id;
        var form = OperatorForm.check(reason, idempotencyKey, what, flash);
        if (form.isEmpty()) {
            return back(id);
        }
        if (action.equals("suspend") && admin.id() == id) {
            return refused(flash, id, "An operator cannot suspend their own account.");
        }
        String why = form.get().reason();
        String key = form.get().key();
        ActionResult result = switch (action) {
            case "waive-debt" -> actions.waiveDebt(admin.email(), id, why, waive, key);
            case "suspend" -> actions.suspend(admin.email(), id, why, key);
            case "reinstate" -> actions.reinstate(admin.email(), id, why, key);
            default -> actions.revokeTokens(admin.email(), id, why, key);
        };
        return done(flash, id, result);
    }

    private static Long positive(String text) {
        try {
            long n = Long.parseLong(text);
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String done(RedirectAttributes flash, long id, ActionResult result) {
        if (result instanceof ActionResult.Done d) {
            OperatorAction a = d.action();
            String what = a.action() + (a.amount() != null ? " of " + a.amount() + " credits" : "");
            flash.addFlashAttribute(
                    "flash",
                    d.repeated()
                            ? "Already done: " + what + " (this form was submitted before)."
                            : "Done: " + what + ".");
            flash.addFlashAttribute("refused", false);
            return back(id);
        }
        if (result instanceof ActionResult.NotFound n) {
            return refused(flash, id, n.message());
        }
        return refused(flash, id, "Refused: " + ((ActionResult.Refused) result).message());
    }

    private static String refused(RedirectAttributes flash, long id, String message) {
        OperatorForm.refuse(flash, message);
        return back(id);
    }

    private static String back(long id) {
        return "redirect:/admin/users?q=" + id;
    }
}
