package dev.renderbank.ops;

import dev.renderbank.billing.DisputeClosing;
import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.billing.PaymentEvent;
import dev.renderbank.billing.PaymentEventCheck;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** The payments page's repairs, audited: reprocessing a stored payment webhook, closing a Creem dispute. */
@Service
public class PaymentActions {

    static final String REPROCESS = "webhook-reprocess";

    /** The audit's action names of a dispute closed as won and as lost. */
    public static final String DISPUTE_WON = "dispute-close-won";

    public static final String DISPUTE_LOST = "dispute-close-lost";

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
        // what the provider's API says of the event is asked before the audited transaction opens
        PaymentEventCheck check = billing.checkPaymentEvent(eventId);
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
            String result = billing.reprocessPaymentEvent(check);
            PaymentEvent after = billing.paymentEvent(eventId).orElseThrow();
            return new Step.Applied(state(before.get()), withResult(state(after), result));
        });
    }

    /**
     * Closes a Creem dispute as won or lost (Creem never reports the end): the operator's key is
     * claimed and the dispute closed through the same closing as a provider's, in one transaction with
     * the audit record. The outcome is part of the action's name, so a key used to close as won and
     * then sent to close as lost is not a repeat: the second finds the dispute won and is refused (a
     * conflict). A closing that finds the dispute closed as asked (another operator, a second click)
     * is recorded as changing nothing; its money moved once, with the first.
     */
    public ActionResult closeDispute(String actor, String disputeId, boolean won, String reason, String key) {
        String action = won ? DISPUTE_WON : DISPUTE_LOST;
        Request request = new Request(actor, action, "dispute:" + disputeId, reason, null, key);
        return actions.run(request, () -> {
            DisputeClosing closing = billing.closeDispute(disputeId, won);
            if (closing instanceof DisputeClosing.Closed c) {
                Map<String, Object> before = new LinkedHashMap<>();
                before.put("provider", c.provider());
                before.put("status", "OPEN");
                before.put("purchaseId", c.purchaseId());
                before.put("clawed", c.clawed());
                Map<String, Object> after = new LinkedHashMap<>(before);
                after.put("status", won ? "WON" : "LOST");
                after.put("result", c.result());
                return new Step.Applied(before, after);
            }
            if (closing instanceof DisputeClosing.AlreadyClosed a) {
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("provider", a.provider());
                state.put("status", a.status());
                Map<String, Object> after = new LinkedHashMap<>(state);
                after.put("result", "already " + a.status().toLowerCase(Locale.ROOT) + ": nothing changed");
                return new Step.Applied(state, after);
            }
            if (closing instanceof DisputeClosing.Conflict c) {
                return new Step.Refuse(new ActionResult.Refused(
                        "dispute-closed",
                        "Dispute " + disputeId + " is " + c.status() + " already; it cannot be closed as "
                                + (won ? "won" : "lost") + ". Nothing was changed.",
                        true));
            }
            if (closing instanceof DisputeClosing.ClosedByProvider p) {
                return new Step.Refuse(
                        new ActionResult.Refused(
                                "provider-closes-dispute",
                                "Dispute " + disputeId + " is a " + p.provider() + " dispute: " + p.provider()
                                        + " reports its end by webhook, which closes it. Only Creem disputes are closed here."));
            }
            return new Step.Refuse(new ActionResult.NotFound("No dispute " + disputeId));
        });
    }

    /**
     * The outcome an operator names for a closing, as the page, the API and the command line read
     * it: {@code won} (true) or {@code lost} (false), any case, spaces around; empty for anything else.
     */
    public static Optional<Boolean> wonOrLost(String outcome) {
        String o = outcome == null ? "" : outcome.trim().toLowerCase(Locale.ROOT);
        return switch (o) {
            case "won" -> Optional.of(true);
            case "lost" -> Optional.of(false);
            default -> Optional.empty();
        };
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
