package dev.renderbank.ops;

import dev.renderbank.billing.PaymentReconciliation;
import dev.renderbank.billing.PaymentReconciliation.Replay;
import dev.renderbank.billing.ProviderDispute;
import dev.renderbank.billing.ProviderObject;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.billing.ProviderRefund;
import dev.renderbank.ops.internal.AuditLog;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import dev.renderbank.ops.reconcile.FindingStore;
import dev.renderbank.ops.reconcile.ReconcileLocks;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The one-click repair of a "paid, refunded or disputed at the provider, not recorded" finding: the
 * provider's own object is fetched (outside any transaction) and then stored and processed as the
 * event its webhook carries in the audit record's transaction, so credits never move without their
 * record (same purchase key, refund key or dispute id, so receipts, referral rewards and claw-backs
 * follow and a late webhook records nothing more). Audited once: a repeat, a repair of a repaired finding, or a second repair
 * racing the first (it waits for the first: {@link ReconcileLocks}), returns the first repair ({@code
 * repeated}) and records nothing.
 */
@Service
public class ReconcileRepairs {

    static final String ACTION = "reconcile-repair";

    private final FindingStore findings;
    private final ReconcileLocks locks;
    private final PaymentReconciliation payments;
    private final AuditedActions actions;
    private final AuditLog log;
    private final Clock clock;

    ReconcileRepairs(
            FindingStore findings,
            ReconcileLocks locks,
            PaymentReconciliation payments,
            AuditedActions actions,
            AuditLog log,
            Clock clock) {
        this.findings = findings;
        this.locks = locks;
        this.payments = payments;
        this.actions = actions;
        this.log = log;
        this.clock = clock;
    }

    public ActionResult repair(String actor, long findingId, String reason, String key) {
        Optional<Finding> named = findings.finding(findingId);
        if (named.isEmpty()) {
            return new ActionResult.NotFound("No reconciliation finding " + findingId);
        }
        try {
            // one repair of the object at a time, whichever run's finding of it is repaired
            return locks.whileRepairing(named.get().subject(), () -> repairAlone(actor, findingId, reason, key));
        } catch (ReconcileLocks.Busy busy) {
            return new ActionResult.Refused("repair-in-progress", busy.getMessage());
        }
    }

    private ActionResult repairAlone(String actor, long findingId, String reason, String key) {
        Optional<Finding> found = findings.finding(findingId);
        if (found.isEmpty()) {
            return new ActionResult.NotFound("No reconciliation finding " + findingId);
        }
        Finding f = found.get();
        if (!f.repairable()) {
            return new ActionResult.Refused(
                    "not-repairable", "A " + f.kind() + " finding has no one-click repair; see the README");
        }
        if (f.repairedBy() != null) {
            return new ActionResult.Done(log.byId(f.repairedBy()).orElseThrow(), true);
        }
        Request request = new Request(actor, ACTION, "finding:" + findingId, reason, null, key);
        Optional<ActionResult> answered = actions.answeredByKey(request);
        if (answered.isPresent()) {
            // checked before the provider's object is processed: a key of another repair moves nothing
            return answered.get();
        }
        String[] subject = f.subject().split(":", 3); // provider:kind:objectId
        // Remote calls, outside any transaction: the object is fetched and screened, nothing stored yet.
        Replay replay = payments.fetch(subject[0], subject[1], subject[2]);
        if (replay instanceof Replay.NotPaid n) {
            return new ActionResult.Refused("not-paid", n.message());
        }
        if (replay instanceof Replay.Failed failed) {
            return new ActionResult.Refused("provider-unavailable", failed.message());
        }
        Replay.Fetched fetched = (Replay.Fetched) replay;
        // Serialised by the lock; the mark is conditional all the same (a node of an older version
        // repairing without the lock): the loser rolls its record back and answers the first repair.
        // The object's event is stored and processed in the record's transaction: its grants or
        // claw-backs commit with the audit record, or nothing does.
        return actions.run(request, actionId -> {
            if (!findings.markRepaired(findingId, actionId, clock.instant())) {
                return new Step.Refuse(firstRepair(findingId));
            }
            Replay.Fed fed = payments.feed(fetched);
            if (!fed.recordedAfter()) {
                return new Step.Refuse(new ActionResult.Refused(
                        "not-processed",
                        "The provider's object was not recorded by its processing (payment event "
                                + fed.error() + "); nothing was recorded and the finding stays open: fix what"
                                + " that names (e.g. map a price in the catalogue) and repair again"));
            }
            Map<String, Object> before = new LinkedHashMap<>();
            before.put("finding", f.subject());
            before.put("recorded", fed.recordedBefore());
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("recorded", true);
            recordedAs(fed, after);
            after.put("paymentEvent", fed.eventRowId());
            after.put("eventStatus", fed.status());
            return new Step.Applied(before, after);
        });
    }

    /** The repair that marked the finding first (committed: the losing mark waited for it). */
    private ActionResult firstRepair(long findingId) {
        return findings.finding(findingId)
                .map(Finding::repairedBy)
                .flatMap(log::byId)
                .<ActionResult>map(first -> new ActionResult.Done(first, true))
                .orElseThrow(() -> new IllegalStateException("finding " + findingId + " marked without its repair"));
    }

    /** What the repaired object is recorded under here, for the audit record. */
    private static void recordedAs(Replay.Fed fed, Map<String, Object> after) {
        ProviderObject o = fed.object();
        if (o instanceof ProviderPayment p) {
            after.put("purchaseKey", p.purchaseKey());
        } else if (o instanceof ProviderRefund r) {
            after.put("chargeId", r.chargeId());
            // what the event recorded (the provider's total when it asked), and the total the repair fetched
            after.put("refundedMinor", fed.refundedHereMinor() != null ? fed.refundedHereMinor() : r.refundedMinor());
            after.put("fetchedRefundedMinor", r.refundedMinor());
        } else if (o instanceof ProviderDispute d) {
            after.put("disputeId", d.disputeId());
            after.put("disputeStatus", d.expectedStatus());
        }
    }
}
