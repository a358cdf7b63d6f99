package dev.renderbank.ops.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.JobActions;
import dev.renderbank.ops.JobLookup;
import jakarta.servlet.http.HttpServletResponse;
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
 * {@code /admin/jobs}: stuck jobs with "check at provider now" and "fail and release" as forms, a
 * search by task id or provider task id, and one job's page ({@code /admin/jobs/{taskId}}) with the
 * same two repairs.
 */
@Controller
class AdminJobPages {

    private final JobActions jobs;
    private final JobLookup lookup;

    AdminJobPages(JobActions jobs, JobLookup lookup) {
        this.jobs = jobs;
        this.lookup = lookup;
    }

    @GetMapping("/admin/jobs")
    String page(
            @RequestParam(required = false) String olderThan,
            @RequestParam(required = false) String find,
            Model model,
            HttpServletResponse response) {
        if (find != null && !find.isBlank()) {
            var found = lookup.find(find);
            if (found.isPresent()) {
                return "redirect:/admin/jobs/" + found.get().job().id();
            }
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            // what was typed is not repeated: it may be anything; the operator sees it in the box
            model.addAttribute(
                    "notFound",
                    "No job has this task id or provider task id. A task id starts with gen_; the provider's"
                            + " task id is the one its dashboard shows.");
            model.addAttribute("find", find.strip());
        }
        model.addAttribute(
                "olderThan", olderThan == null ? jobs.thresholds().overdue().toMinutes() + "m" : olderThan);
        model.addAttribute("quietMinutes", jobs.thresholds().quiet().toMinutes());
        model.addAttribute("stuck", jobs.stuck(AdminJobsApi.duration(olderThan)));
        model.addAttribute("stuckLimit", dev.renderbank.ops.JobActions.STUCK_LIMIT);
        model.addAttribute("newKey", UUID.randomUUID().toString());
        return "admin/jobs";
    }

    /** One job, found by its task id or the provider's; the provider's redirects to the task id's page. */
    @GetMapping("/admin/jobs/{taskId}")
    String job(@PathVariable String taskId, Model model, HttpServletResponse response) {
        var found = lookup.find(taskId);
        if (found.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("d", null);
            return "admin/job";
        }
        if (!found.get().job().id().equals(taskId)) {
            return "redirect:/admin/jobs/" + found.get().job().id();
        }
        model.addAttribute("d", found.get());
        model.addAttribute("newKey", UUID.randomUUID().toString());
        return "admin/job";
    }

    @PostMapping("/admin/jobs/{taskId}/check")
    String check(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String taskId,
            @RequestParam(required = false) String olderThan,
            @RequestParam(required = false) String back,
            RedirectAttributes flash) {
        return done(flash, taskId, jobs.check(admin.email(), taskId), olderThan, back);
    }

    @PostMapping("/admin/jobs/{taskId}/fail")
    String fail(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String taskId,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String idempotencyKey,
            @RequestParam(required = false) String olderThan,
            @RequestParam(required = false) String back,
            RedirectAttributes flash) {
        var form = OperatorForm.check(reason, idempotencyKey, "fail job " + taskId, flash);
        if (form.isEmpty()) {
            return back(taskId, olderThan, back);
        }
        return done(
                flash,
                taskId,
                jobs.fail(admin.email(), taskId, form.get().reason(), form.get().key()),
                olderThan,
                back);
    }

    private static String done(
            RedirectAttributes flash, String taskId, ActionResult result, String olderThan, String back) {
        OperatorForm.outcome(flash, result, a -> "Job " + taskId + ": " + a.action());
        return back(taskId, olderThan, back);
    }

    /** {@code back=job}: the form was the job's own page, and the operator is taken back to it. */
    private static String back(String taskId, String olderThan, String back) {
        if ("job".equals(back) && JobLookup.plausible(taskId)) {
            return "redirect:/admin/jobs/" + taskId;
        }
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
