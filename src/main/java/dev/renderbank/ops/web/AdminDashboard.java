package dev.renderbank.ops.web;

import dev.renderbank.ops.Dashboard;
import dev.renderbank.ops.Reconciliation;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/** {@code /admin}: the dashboard page, and the same figures as JSON. */
@Controller
class AdminDashboard {

    private final Dashboard dashboard;
    private final Reconciliation reconciliation;

    AdminDashboard(Dashboard dashboard, Reconciliation reconciliation) {
        this.dashboard = dashboard;
        this.reconciliation = reconciliation;
    }

    @GetMapping({"/admin", "/admin/"})
    String page(Model model) {
        model.addAttribute("v", dashboard.now());
        model.addAttribute("reconciliation", reconciliation.latest().orElse(null));
        return "admin/dashboard";
    }

    @GetMapping("/api/v1/admin/dashboard")
    @ResponseBody
    Dashboard.View json() {
        return dashboard.now();
    }
}
