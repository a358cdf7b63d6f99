package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.DONE;
import static dev.renderbank.ops.web.ActionAnswers.JSON;
import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.reason;

import dev.renderbank.generation.StuckJob;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.JobActions;
import dev.renderbank.ops.JobLookup;
import dev.renderbank.platform.InvalidFieldException;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.util.List;
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
    private final JobLookup lookup;

    AdminJobsApi(JobActions jobs, JobLookup lookup) {
        this.jobs = jobs;
        this.lookup = lookup;
    }

    /** One live job an operator should look at; {@code why} is unknown, overdue or quiet. */
    record StuckJobJson(
            String taskId,
            long userId,
            String model,
            String state,

            @Schema(description = "unknown (the provider's state is not known), overdue or quiet (no provider news)")
            String why,

            String providerTaskId,
            @Schema(description = "Credits the job holds") long held,
            String createdAt,
            String deadlineAt) {

        static StuckJobJson of(StuckJob s) {
            return new StuckJobJson(
                    s.job().id(),
                    s.job().userId(),
                    s.job().model(),
                    s.job().state().name(),
                    s.why(),
                    s.providerTaskId(),
                    s.job().creditsHeld(),
                    s.job().createdAt().toString(),
                    s.job().deadlineAt().toString());
        }
    }

    record StuckJobList(List<StuckJobJson> items) {}

    @GetMapping("/api/v1/admin/jobs/stuck")
    StuckJobList stuck(@RequestParam(required = false) String olderThan) {
        List<StuckJob> found = jobs.stuck(duration(olderThan));
        return new StuckJobList(found.stream().map(StuckJobJson::of).toList());
    }

    @GetMapping("/api/v1/admin/jobs/{taskId}")
    @ApiResponse(
            responseCode = "200",
            description = "The job: owner, state, prices, hold and its ledger entries, provider task id, times,"
                    + " failure, late result, asset, operator actions",
            content = @Content(mediaType = JSON, schema = @Schema(implementation = AdminJobView.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No job has this task id, nor this provider task id",
            content = @Content(mediaType = ActionAnswers.PROBLEM_JSON, schema = @Schema(ref = ActionAnswers.PROBLEM)))
    ResponseEntity<?> job(
            @Parameter(description = "The task id (gen_…) or the provider's task id") @PathVariable String taskId) {
        return lookup.find(taskId)
                .<ResponseEntity<?>>map(d -> ResponseEntity.ok(AdminJobView.of(d)))
                .orElseGet(() -> ActionAnswers.problem(
                        org.springframework.http.HttpStatus.NOT_FOUND,
                        "not-found",
                        "Not found",
                        "No job has this task id or provider task id (a task id starts with gen_)"));
    }

    @PostMapping("/api/v1/admin/jobs/{taskId}/check")
    @ApiResponse(
            responseCode = "200",
            description = DONE + "; `after.note` says what the provider answered",
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> check(@AuthenticationPrincipal CurrentUser admin, @PathVariable String taskId) {
        return answer(jobs.check(admin.email(), taskId), false);
    }

    @PostMapping("/api/v1/admin/jobs/{taskId}/fail")
    @ApiResponse(
            responseCode = "200",
            description = DONE,
            content = @Content(mediaType = JSON, schema = @Schema(implementation = ActionRecord.class)))
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
            return JobActions.stuckAge(olderThan);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("olderThan", e.getMessage());
        }
    }
}
