package dev.renderbank.ops;

import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.billing.PaymentEvent;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** The payments page's repair: reprocessing a stored payment webhook, audited. */
@Service
public class PaymentActions {

    static final String REPROCESS = "webhook-reprocess";

    private final OperatorBilling billing;
    private final AuditedActions actions;

    PaymentActions(OperatorBilling billing, AuditedActions actions) {
        this.billing = billing;
        this.actions = actions;
    }

    /**
     * Feeds a stored event through the normal event processing now. A repeat of the key does
     * nothing; an event finished before (processed or ignored) is refused: reprocessing it could
     * not change anything, and its grants stay exactly once. The processing commits in its own
     * transaction (as on arrival), so the audit record follows it, with the status before and after.
     */
    public ActionResult reprocess(String actor, long eventId, String reason, String key) {
        Request request = new Request(actor, REPROCESS, "webhook:" + eventId, reason, null, key);
        Optional<dev.renderbank.ops.OperatorAction> prior = actions.recorded(actor, REPROCESS, key);
        if (prior.isPresent()) {
            return prior.get().target().equals(request.target())
                    ? new ActionResult.Done(prior.get(), true)
                    : new ActionResult.Refused(
                            "key-reused",
                            "The Idempotency-Key " + key + " was used for "
                                    + prior.get().target() + "; send a new key");
        }
        Optional<PaymentEvent> before = billing.paymentEvent(eventId);
        if (before.isEmpty()) {
            return new ActionResult.NotFound("No payment event " + eventId);
        }
        String status = before.get().status();
        if (status.equals("PROCESSED") || status.equals("IGNORED")) {
            return new ActionResult.Refused(
                    "event-finished",
                    "Payment event " + eventId + " was " + status.toLowerCase() + " already; nothing to reprocess");
        }
        String result = billing.reprocessPaymentEvent(eventId);
        PaymentEvent after = billing.paymentEvent(eventId).orElseThrow();
        return actions.run(request, () -> new Step.Applied(state(before.get()), withResult(state(after), result)));
    }

    private static Map<String, Object> state(PaymentEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", e.status());
        m.put("attempts", e.attempts());
        m.put("error", e.lastError());
        return m;
    }

    private static Map<String, Object> withResult(Map<String, Object> m, String result) {
        m.put("result", result);
        return m;
    }
}
