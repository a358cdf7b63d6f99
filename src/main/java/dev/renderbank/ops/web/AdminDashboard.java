package dev.renderbank.ops.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.Dashboard;
import dev.renderbank.ops.ProviderActions;
import dev.renderbank.ops.Reconciliation;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /admin}: the dashboard page, and the same figures as JSON; resuming the provider from it. */
@Controller
class AdminDashboard {

    private final Dashboard dashboard;
    private final Reconciliation reconciliation;
    private final ProviderActions provider;

    AdminDashboard(Dashboard dashboard, Reconciliation reconciliation, ProviderActions provider) {
        this.dashboard = dashboard;
        this.reconciliation = reconciliation;
        this.provider = provider;
    }

    @GetMapping({"/admin", "/admin/"})
    String page(Model model) {
        model.addAttribute("v", dashboard.now());
        model.addAttribute("reconciliation", reconciliation.latest().orElse(null));
        model.addAttribute("newKey", UUID.randomUUID().toString());
        return "admin/dashboard";
    }

    /** The dashboard's "Resume the provider" form (shown only while the provider is not available). */
    @PostMapping("/admin/provider/resume")
    String resumeProvider(
            @AuthenticationPrincipal CurrentUser admin,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            RedirectAttributes flash) {
        var form = OperatorForm.check(reason, idempotencyKey, "resume the provider", flash);
        if (form.isPresent()) {
            OperatorForm.outcome(
                    flash,
                    provider.resume(
                            admin.email(), form.get().reason(), form.get().key()),
                    a -> "Provider resumed");
        }
        return "redirect:/admin";
    }

    @GetMapping("/api/v1/admin/dashboard")
    @ResponseBody
    Dashboard.View json() {
        return dashboard.now();
    }
}
