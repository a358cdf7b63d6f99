package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.problem;
import static dev.renderbank.ops.web.ActionAnswers.reason;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.Finding;
import dev.renderbank.ops.FindingAcknowledgements;
import dev.renderbank.ops.FindingKind;
import dev.renderbank.ops.ReconcileRepairs;
import dev.renderbank.ops.Reconciliation;
import dev.renderbank.ops.ReconciliationReport;
import dev.renderbank.ops.reconcile.ReconcileLocks;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reconciliation over the API: run now (audited), read the latest report, repair a finding, or
 * acknowledge one no repair can clear.
 */
@RestController
class AdminReconcileApi {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final Reconciliation reconciliation;
    private final ReconcileRepairs repairs;
    private final FindingAcknowledgements acknowledgements;

    AdminReconcileApi(
            Reconciliation reconciliation, ReconcileRepairs repairs, FindingAcknowledgements acknowledgements) {
        this.reconciliation = reconciliation;
        this.repairs = repairs;
        this.acknowledgements = acknowledgements;
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
            Long repairedBy,

            @Schema(
                    description = "When an operator acknowledged it (or the same difference in an earlier run):"
                            + " listed, not counted")
            String acknowledgedAt,

            @Schema(description = "The audit record id of the acknowledgement")
            Long acknowledgedBy) {

        static FindingJson of(Finding f) {
            return new FindingJson(
                    f.id(),
                    f.kind(),
                    f.subject(),
                    JSON.readTree(f.evidence()),
                    f.repairable(),
                    f.repairedAt() == null ? null : f.repairedAt().toString(),
                    f.repairedBy(),
                    f.acknowledgedAt() == null ? null : f.acknowledgedAt().toString(),
                    f.acknowledgedBy());
        }
    }

    /** One reconciliation run; {@code clean} when it found nothing that counts (acknowledged findings do not). */
    record ReconciliationJson(
            long runId,
            @Schema(description = "SCHEDULED or ON_DEMAND") String trigger,
            String actor,

            @Schema(description = "Start of the window the provider checks looked at")
            String windowFrom,

            String startedAt,
            String finishedAt,
            boolean clean,

            @Schema(description = "Findings that count (not acknowledged) per kind")
            Map<FindingKind, Long> counts,

            @Schema(description = "How many findings operators acknowledged (not counted)")
            int acknowledged,

            @Schema(description = "Checks that could not run, e.g. a payment provider without an API key")
            List<String> skipped,

            @Schema(
                    description = "The findings that count; with ?acknowledged=include also the acknowledged ones,"
                            + " with ?acknowledged=only only those")
            List<FindingJson> findings) {

        static ReconciliationJson of(ReconciliationReport r) {
            return of(r, Shown.EXCLUDE);
        }

        static ReconciliationJson of(ReconciliationReport r, Shown shown) {
            return new ReconciliationJson(
                    r.runId(),
                    r.trigger(),
                    r.actor(),
                    r.windowFrom().toString(),
                    r.startedAt().toString(),
                    r.finishedAt() == null ? null : r.finishedAt().toString(),
                    r.clean(),
                    r.countsByKind(),
                    r.acknowledged(),
                    r.skipped(),
                    r.findings().stream()
                            .filter(shown::lists)
                            .map(FindingJson::of)
                            .toList());
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
    @ApiResponse(
            responseCode = "400",
            description = "`bad-request`: acknowledged is not exclude, include or only",
            content = @Content(mediaType = ActionAnswers.PROBLEM_JSON, schema = @Schema(ref = ActionAnswers.PROBLEM)))
    ResponseEntity<?> latest(
            @Parameter(
                            description = "exclude (default): the findings that count; include: also those operators"
                                    + " acknowledged; only: those alone")
                    @RequestParam(required = false, defaultValue = "exclude")
                    String acknowledged) {
        Optional<Shown> shown = Shown.of(acknowledged);
        if (shown.isEmpty()) {
            return problem(
                    HttpStatus.BAD_REQUEST,
                    "bad-request",
                    "Bad request",
                    "acknowledged must be exclude, include or only");
        }
        return reconciliation
                .latest()
                .<ResponseEntity<?>>map(r -> ResponseEntity.ok(ReconciliationJson.of(r, shown.get())))
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

    @PostMapping("/api/v1/admin/reconciliations/findings/{id}/acknowledge")
    @ApiResponse(
            responseCode = "200",
            description = ActionAnswers.DONE + "; `before`: the finding's kind, subject, run and evidence",
            content = @Content(mediaType = ActionAnswers.JSON, schema = @Schema(implementation = ActionRecord.class)))
    ResponseEntity<?> acknowledge(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(
                acknowledgements.acknowledge(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)),
                false);
    }

    /** Which findings a report lists, by acknowledgement. */
    enum Shown {
        EXCLUDE,
        INCLUDE,
        ONLY;

        static Optional<Shown> of(String value) {
            return java.util.Arrays.stream(values())
                    .filter(v -> v.name().equalsIgnoreCase(value.strip()))
                    .findFirst();
        }

        boolean lists(Finding f) {
            return this == INCLUDE || (this == ONLY) != f.counted();
        }
    }
}
