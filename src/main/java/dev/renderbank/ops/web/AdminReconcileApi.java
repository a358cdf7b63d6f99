package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.problem;
import static dev.renderbank.ops.web.ActionAnswers.reason;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.Finding;
import dev.renderbank.ops.FindingKind;
import dev.renderbank.ops.ReconcileRepairs;
import dev.renderbank.ops.Reconciliation;
import dev.renderbank.ops.ReconciliationReport;
import dev.renderbank.ops.reconcile.ReconcileLocks;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reconciliation over the API: run now (audited), read the latest report, repair a finding. */
@RestController
class AdminReconcileApi {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final Reconciliation reconciliation;
    private final ReconcileRepairs repairs;

    AdminReconcileApi(Reconciliation reconciliation, ReconcileRepairs repairs) {
        this.reconciliation = reconciliation;
        this.repairs = repairs;
    }

    /** One difference a run found, with what it saw. */
    record FindingJson(
            long id,

            @Schema(description = "The kind of difference (README, section Reconciliation)")
            FindingKind kind,

            @Schema(description = "What it is about, e.g. user:42 or a provider's payment id")
            String subject,

            @Schema(
                    description = "The rows or the provider's object as seen (a JSON object whose fields"
                            + " depend on the kind)",
                    implementation = Object.class)
            JsonNode evidence,

            @Schema(description = "true: POST .../findings/{id}/repair can repair it")
            boolean repairable,

            String repairedAt,

            @Schema(description = "The audit record id of the repair")
            Long repairedBy) {

        static FindingJson of(Finding f) {
            return new FindingJson(
                    f.id(),
                    f.kind(),
                    f.subject(),
                    JSON.readTree(f.evidence()),
                    f.repairable(),
                    f.repairedAt() == null ? null : f.repairedAt().toString(),
                    f.repairedBy());
        }
    }

    /** One reconciliation run; {@code clean} when it found nothing. */
    record ReconciliationJson(
            long runId,
            @Schema(description = "SCHEDULED or ON_DEMAND") String trigger,
            String actor,

            @Schema(description = "Start of the window the provider checks looked at")
            String windowFrom,

            String startedAt,
            String finishedAt,
            boolean clean,
            @Schema(description = "Findings per kind") Map<FindingKind, Long> counts,

            @Schema(description = "Checks that could not run, e.g. a payment provider without an API key")
            List<String> skipped,

            List<FindingJson> findings) {

        static ReconciliationJson of(ReconciliationReport r) {
            return new ReconciliationJson(
                    r.runId(),
                    r.trigger(),
                    r.actor(),
                    r.windowFrom().toString(),
                    r.startedAt().toString(),
                    r.finishedAt() == null ? null : r.finishedAt().toString(),
                    r.clean(),
                    r.countsByKind(),
                    r.skipped(),
                    r.findings().stream().map(FindingJson::of).toList());
        }
    }

    @PostMapping("/api/v1/admin/reconcile")
    @ApiResponse(
            responseCode = "200",
            description = "The run's report",
            content =
                    @Content(
                            mediaType = ActionAnswers.JSON,
                            schema = @Schema(implementation = ReconciliationJson.class)))
    @ApiResponse(
            responseCode = "409",
            description = "`reconcile-running`: another run is under way (one at a time)",
            content = @Content(mediaType = ActionAnswers.PROBLEM_JSON, schema = @Schema(ref = ActionAnswers.PROBLEM)))
    ResponseEntity<?> run(@AuthenticationPrincipal CurrentUser admin) {
        try {
            return ResponseEntity.ok(
                    ReconciliationJson.of(reconciliation.runAudited(admin.email(), Reconciliation.ON_DEMAND)));
        } catch (ReconcileLocks.RunInProgress e) {
            return problem(HttpStatus.CONFLICT, "reconcile-running", "Conflict", e.getMessage());
        }
    }

    @GetMapping("/api/v1/admin/reconciliations/latest")
    @ApiResponse(
            responseCode = "200",
            description = "The latest finished run",
            content =
                    @Content(
                            mediaType = ActionAnswers.JSON,
                            schema = @Schema(implementation = ReconciliationJson.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No reconciliation has run yet",
            content = @Content(mediaType = ActionAnswers.PROBLEM_JSON, schema = @Schema(ref = ActionAnswers.PROBLEM)))
    ResponseEntity<?> latest() {
        return reconciliation
                .latest()
                .<ResponseEntity<?>>map(r -> ResponseEntity.ok(ReconciliationJson.of(r)))
                .orElseGet(() -> problem(
                        HttpStatus.NOT_FOUND,
                        "not-found",
                        "Not found",
                        "No reconciliation has run yet; POST /api/v1/admin/reconcile runs one"));
    }

    @PostMapping("/api/v1/admin/reconciliations/findings/{id}/repair")
    @ApiResponse(
            responseCode = "200",
            description = ActionAnswers.DONE + "; `after.purchaseKey`, `after.paymentEvent`",
            content = @Content(mediaType = ActionAnswers.JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> repair(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(repairs.repair(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }
}
