package dev.renderbank.ops;

import dev.renderbank.ops.internal.AuditLog;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import dev.renderbank.ops.reconcile.FindingLocks;
import dev.renderbank.ops.reconcile.FindingStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * An operator acknowledges a finding they dealt with that no repair can clear (a double capture given
 * back by a grant, an asset lost for good, a purchase compensated by hand): audited with a reason, in
 * one transaction with the mark. The acknowledgement is of the finding's kind and subject with its
 * evidence: later runs store the same difference acknowledged (listed, not counted in the alert, the
 * command's exit code, the gauge or the dashboard), and one whose evidence changes (a second capture
 * of the same job) counts again. Two operators acknowledging the same difference at once (each from
 * another run's finding of it) are served one after the other ({@link FindingLocks}): the second
 * answers the first's record ({@code repeated}). A repairable finding is refused: its repair records the provider's
 * object once, and an acknowledgement would leave it unrecorded for its late webhook to grant.
 */
@Service
public class FindingAcknowledgements {

    static final String ACTION = "reconcile-acknowledge";

    private static final JsonMapper JSON = JsonMapper.shared();

    private final FindingStore findings;
    private final FindingLocks locks;
    private final AuditedActions actions;
    private final AuditLog log;
    private final Clock clock;

    FindingAcknowledgements(
            FindingStore findings, FindingLocks locks, AuditedActions actions, AuditLog log, Clock clock) {
        this.findings = findings;
        this.locks = locks;
        this.actions = actions;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Acknowledges the finding {@code findingId}; a finding acknowledged before answers that first
     * record ({@code repeated}), a repaired or repairable one is refused, an unknown one not found.
     */
    public ActionResult acknowledge(String actor, long findingId, String reason, String key) {
        Request request = new Request(actor, ACTION, "finding:" + findingId, reason, null, key);
        return actions.run(request, actionId -> {
            // another operator's acknowledgement of the same difference (another run's finding of it)
            // waits here, before any finding's row, and then finds its finding acknowledged by this one
            locks.lockAcknowledging(findingId);
            Optional<Finding> found = findings.finding(findingId); // locked until the record commits
            if (found.isEmpty()) {
                return new Step.Refuse(new ActionResult.NotFound("No reconciliation finding " + findingId));
            }
            Finding f = found.get();
            if (f.acknowledgedBy() != null) {
                return new Step.Refuse(
                        new ActionResult.Done(log.byId(f.acknowledgedBy()).orElseThrow(), true));
            }
            if (f.repairedAt() != null) {
                return new Step.Refuse(new ActionResult.Refused(
                        "finding-repaired", "Finding " + findingId + " was repaired; there is nothing to acknowledge"));
            }
            if (f.repairable()) {
                return new Step.Refuse(new ActionResult.Refused(
                        "finding-repairable",
                        "A " + f.kind() + " finding is cleared by its repair, which records the provider's object"
                                + " once (its late webhook then records nothing more); repair it instead"));
            }
            if (!findings.acknowledge(findingId, actionId, clock.instant())) {
                throw new IllegalStateException("finding " + findingId + " changed under its row lock");
            }
            Map<String, Object> before = new LinkedHashMap<>();
            before.put("kind", f.kind().name());
            before.put("subject", f.subject());
            before.put("run", f.runId());
            before.put("evidence", JSON.readValue(f.evidence(), Map.class));
            return new Step.Applied(before, Map.of("acknowledged", true));
        });
    }
}
