package dev.renderbank.ops.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.FindingAcknowledgements;
import dev.renderbank.ops.GrantsSincePayment;
import dev.renderbank.ops.ReconcileRepairs;
import dev.renderbank.ops.Reconciliation;
import dev.renderbank.ops.ReconciliationReport;
import dev.renderbank.ops.reconcile.ReconcileLocks;
import java.util.List;
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
 * {@code /admin/reconciliation}: the latest run's findings with their evidence, "run now", "repair" and
 * "acknowledge".
 */
@Controller
class AdminReconcilePages {

    private static final String BACK = "redirect:/admin/reconciliation";

    private final Reconciliation reconciliation;
    private final ReconcileRepairs repairs;
    private final FindingAcknowledgements acknowledgements;
    private final GrantsSincePayment grantsSincePayment;

    AdminReconcilePages(
            Reconciliation reconciliation,
            ReconcileRepairs repairs,
            FindingAcknowledgements acknowledgements,
            GrantsSincePayment grantsSincePayment) {
        this.reconciliation = reconciliation;
        this.repairs = repairs;
        this.acknowledgements = acknowledgements;
        this.grantsSincePayment = grantsSincePayment;
    }

    /**
     * The latest run; its findings that count, or with {@code ?acknowledged=include} also those
     * operators acknowledged ({@code only}: those alone; anything else lists the default).
     */
    @GetMapping("/admin/reconciliation")
    String page(Model model, @RequestParam(required = false) String acknowledged) {
        ReconciliationReport report = reconciliation.latest().orElse(null);
        AdminReconcileApi.Shown shown = acknowledged == null
                ? AdminReconcileApi.Shown.EXCLUDE
                : AdminReconcileApi.Shown.of(acknowledged).orElse(AdminReconcileApi.Shown.EXCLUDE);
        model.addAttribute("report", report);
        model.addAttribute("shown", shown.name().toLowerCase(java.util.Locale.ROOT));
        model.addAttribute(
                "listed",
                report == null
                        ? List.of()
                        : report.findings().stream().filter(shown::lists).toList());
        model.addAttribute(
                "grantsSince", report == null ? java.util.Map.of() : grantsSincePayment.of(report.findings()));
        model.addAttribute("newKey", UUID.randomUUID().toString());
        return "admin/reconciliation";
    }

    @PostMapping("/admin/reconciliation/run")
    String run(@AuthenticationPrincipal CurrentUser admin, RedirectAttributes flash) {
        ReconciliationReport r;
        try {
            r = reconciliation.runAudited(admin.email(), Reconciliation.ON_DEMAND);
        } catch (ReconcileLocks.RunInProgress e) {
            flash.addFlashAttribute("flash", "Not run: " + e.getMessage() + ".");
            flash.addFlashAttribute("refused", true);
            return BACK;
        }
        flash.addFlashAttribute(
                "flash",
                "Run " + r.runId() + ": " + (r.clean() ? "clean" : r.counted().size() + " finding(s)")
                        + (r.acknowledged() > 0 ? " (" + r.acknowledged() + " acknowledged, not counted)" : ""));
        flash.addFlashAttribute("refused", !r.clean());
        return BACK;
    }

    @PostMapping("/admin/reconciliation/findings/{id}/repair")
    String repair(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            RedirectAttributes flash) {
        var form = OperatorForm.check(reason, idempotencyKey, "repair finding " + id, flash);
        if (form.isEmpty()) {
            return BACK;
        }
        ActionResult result = repairs.repair(
                admin.email(), id, form.get().reason(), form.get().key());
        OperatorForm.outcome(flash, result, a -> "Finding " + id + " repaired");
        return BACK;
    }

    @PostMapping("/admin/reconciliation/findings/{id}/acknowledge")
    String acknowledge(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            RedirectAttributes flash) {
        var form = OperatorForm.check(reason, idempotencyKey, "acknowledge finding " + id, flash);
        if (form.isEmpty()) {
            return BACK;
        }
        ActionResult result = acknowledgements.acknowledge(
                admin.email(), id, form.get().reason(), form.get().key());
        OperatorForm.outcome(flash, result, a -> "Finding " + id + " acknowledged");
        return BACK;
    }
}
