package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.problem;
import static dev.renderbank.ops.web.ActionAnswers.reason;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.Finding;
import dev.renderbank.ops.ReconcileRepairs;
import dev.renderbank.ops.Reconciliation;
import dev.renderbank.ops.ReconciliationReport;
import java.util.LinkedHashMap;
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

    record ReasonBody(String reason) {}

    @PostMapping("/api/v1/admin/reconcile")
    Map<String, Object> run(@AuthenticationPrincipal CurrentUser admin) {
        return json(reconciliation.runAudited(admin.email(), Reconciliation.ON_DEMAND));
    }

    @GetMapping("/api/v1/admin/reconciliations/latest")
    ResponseEntity<?> latest() {
        return reconciliation
                .latest()
                .<ResponseEntity<?>>map(r -> ResponseEntity.ok(json(r)))
                .orElseGet(() -> problem(
                        HttpStatus.NOT_FOUND,
                        "not-found",
                        "Not found",
                        "No reconciliation has run yet; POST /api/v1/admin/reconcile runs one"));
    }

    @PostMapping("/api/v1/admin/reconciliations/findings/{id}/repair")
    ResponseEntity<?> repair(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(repairs.repair(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    static Map<String, Object> json(ReconciliationReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", r.runId());
        m.put("trigger", r.trigger());
        m.put("actor", r.actor());
        m.put("windowFrom", r.windowFrom().toString());
        m.put("startedAt", r.startedAt().toString());
        m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
        m.put("clean", r.clean());
        m.put("counts", r.countsByKind());
        m.put("skipped", r.skipped());
        m.put("findings", r.findings().stream().map(AdminReconcileApi::json).toList());
        return m;
    }

    static Map<String, Object> json(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("kind", f.kind().name());
        m.put("subject", f.subject());
        m.put("evidence", JSON.readTree(f.evidence()));
        m.put("repairable", f.repairable());
        m.put("repairedAt", f.repairedAt() == null ? null : f.repairedAt().toString());
        m.put("repairedBy", f.repairedBy());
        return m;
    }
}
