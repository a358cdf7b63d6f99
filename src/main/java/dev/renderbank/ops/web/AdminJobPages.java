package dev.renderbank.ops.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.JobActions;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /admin/jobs}: stuck jobs with "check at provider now" and "fail and release" as forms. */
@Controller
class AdminJobPages {

    private final JobActions jobs;

    AdminJobPages(JobActions jobs) {
        this.jobs = jobs;
    }

    @GetMapping("/admin/jobs")
    String page(@RequestParam(required = false) String olderThan, Model model) {
        model.addAttribute(
                "olderThan", olderThan == null ? jobs.thresholds().overdue().toMinutes() + "m" : olderThan);
        model.addAttribute("quietMinutes", jobs.thresholds().quiet().toMinutes());
        model.addAttribute("stuck", jobs.stuck(AdminJobsApi.duration(olderThan)));
        model.addAttribute("stuckLimit", dev.renderbank.ops.JobActions.STUCK_LIMIT);
        model.addAttribute("newKey", UUID.randomUUID().toString());
        return "admin/jobs";
    }

    @PostMapping("/admin/jobs/{taskId}/check")
    String check(@AuthenticationPrincipal CurrentUser admin, @PathVariable String taskId, RedirectAttributes flash) {
        return done(flash, taskId, jobs.check(admin.email(), taskId));
    }

    @PostMapping("/admin/jobs/{taskId}/fail")
    String fail(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String taskId,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            RedirectAttributes flash) {
        var form = OperatorForm.check(reason, idempotencyKey, "fail job " + taskId, flash);
        if (form.isEmpty()) {
            return "redirect:/admin/jobs";
        }
        return done(
                flash,
                taskId,
                jobs.fail(admin.email(), taskId, form.get().reason(), form.get().key()));
    }

    private static String done(RedirectAttributes flash, String taskId, ActionResult result) {
        OperatorForm.outcome(flash, result, a -> "Job " + taskId + ": " + a.action());
        return "redirect:/admin/jobs";
    }
}
