package dev.renderbank.ops;

import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.billing.PaymentEvent;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import java.util.LinkedHashMap;
import java.util.Locale;
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
     * Feeds a stored event through the normal event processing now, exactly once: the operator's key
     * is claimed, the event locked, checked and processed, and the audit record written, all in one
     * transaction. A repeat of the key answers the first record; an event finished before (processed
     * or ignored, also by a reprocess that ran at the same moment and committed first) is refused:
     * reprocessing it could not change anything, and its grants stay exactly once.
     */
    public ActionResult reprocess(String actor, long eventId, String reason, String key) {
        Request request = new Request(actor, REPROCESS, "webhook:" + eventId, reason, null, key);
        return actions.run(request, () -> {
            // waits for a reprocess of the same event in flight, then sees what it did
            Optional<PaymentEvent> before = billing.lockPaymentEvent(eventId);
            if (before.isEmpty()) {
                return new Step.Refuse(new ActionResult.NotFound("No payment event " + eventId));
            }
            String status = before.get().status();
            if (status.equals("PROCESSED") || status.equals("IGNORED")) {
                return new Step.Refuse(
                        new ActionResult.Refused(
                                "event-finished",
                                "Payment event " + eventId + " was " + status.toLowerCase(Locale.ROOT)
                                        + " already (by its webhook, the retry sweep or another reprocess); nothing to reprocess"));
            }
            String result = billing.reprocessPaymentEvent(eventId);
            PaymentEvent after = billing.paymentEvent(eventId).orElseThrow();
            return new Step.Applied(state(before.get()), withResult(state(after), result));
        });
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
