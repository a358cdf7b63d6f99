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
    String check(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String taskId,
            @RequestParam(required = false) String olderThan,
            RedirectAttributes flash) {
        return done(flash, taskId, jobs.check(admin.email(), taskId), olderThan);
    }

    @PostMapping("/admin/jobs/{taskId}/fail")
    String fail(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String taskId,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            @RequestParam(required = false) String olderThan,
            RedirectAttributes flash) {
        var form = OperatorForm.check(reason, idempotencyKey, "fail job " + taskId, flash);
        if (form.isEmpty()) {
            return back(olderThan);
        }
        return done(
                flash,
                taskId,
                jobs.fail(admin.email(), taskId, form.get().reason(), form.get().key()),
                olderThan);
    }

    private static String done(RedirectAttributes flash, String taskId, ActionResult result, String olderThan) {
        OperatorForm.outcome(flash, result, a -> "Job " + taskId + ": " + a.action());
        return back(olderThan);
    }

    /** Back to the list as it was filtered (an age the list would refuse is left out). */
    private static String back(String olderThan) {
        if (olderThan == null || olderThan.isBlank()) {
            return "redirect:/admin/jobs";
        }
        try {
            AdminJobsApi.duration(olderThan);
        } catch (RuntimeException e) {
            return "redirect:/admin/jobs";
        }
        return "redirect:"
                + org.springframework.web.util.UriComponentsBuilder.fromPath("/admin/jobs")
                        .queryParam("olderThan", olderThan.strip())
                        .encode()
                        .build()
                        .toUriString();
    }
}
