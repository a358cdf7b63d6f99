package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.reason;

import dev.renderbank.generation.StuckJob;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.JobActions;
import dev.renderbank.platform.InvalidFieldException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/jobs}: stuck jobs, "check at the provider now" and "fail and release". */
@RestController
class AdminJobsApi {

    private final JobActions jobs;

    AdminJobsApi(JobActions jobs) {
        this.jobs = jobs;
    }

    record ReasonBody(String reason) {}

    @GetMapping("/api/v1/admin/jobs/stuck")
    Map<String, Object> stuck(@RequestParam(required = false) String olderThan) {
        List<StuckJob> found = jobs.stuck(duration(olderThan));
        return Map.of("items", found.stream().map(AdminJobsApi::json).toList());
    }

    @PostMapping("/api/v1/admin/jobs/{taskId}/check")
    ResponseEntity<?> check(@AuthenticationPrincipal CurrentUser admin, @PathVariable String taskId) {
        return answer(jobs.check(admin.email(), taskId), false);
    }

    @PostMapping("/api/v1/admin/jobs/{taskId}/fail")
    ResponseEntity<?> fail(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable String taskId,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(jobs.fail(admin.email(), taskId, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    static Duration duration(String olderThan) {
        if (olderThan == null || olderThan.isBlank()) {
            return null; // the configured renderbank.ops.stuck.overdue
        }
        try {
            Duration d = Duration.parse("PT" + olderThan.trim().toUpperCase());
            if (d.isNegative() || d.isZero()) {
                throw new InvalidFieldException("olderThan", "must be positive, e.g. 30m or 2h");
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidFieldException("olderThan", "must be a duration like 30m or 2h");
        }
    }

    static Map<String, Object> json(StuckJob s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taskId", s.job().id());
        m.put("userId", s.job().userId());
        m.put("model", s.job().model());
        m.put("state", s.job().state().name());
        m.put("why", s.why());
        m.put("providerTaskId", s.providerTaskId());
        m.put("held", s.job().creditsHeld());
        m.put("createdAt", s.job().createdAt().toString());
        m.put("deadlineAt", s.job().deadlineAt().toString());
        return m;
    }
}
