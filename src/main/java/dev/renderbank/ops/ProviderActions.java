package dev.renderbank.ops;

import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import dev.renderbank.provider.Availability;
import dev.renderbank.provider.ProviderStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Resuming a provider that the out-of-credits (or refused-key) state holds back, when the operator
 * knows better than the balance check: an account topped up whose balance endpoint lags, a resume
 * threshold set wrong. Audited with the operator's reason; the provider's next refusal (402) trips
 * the state again as usual.
 */
@Service
public class ProviderActions {

    static final String RESUME = "provider-resume";

    static final String TARGET = "provider";

    private final ProviderStatus status;
    private final AuditedActions actions;

    ProviderActions(ProviderStatus status, AuditedActions actions) {
        this.status = status;
        this.actions = actions;
    }

    /**
     * Back to available in one transaction with the audit record; refused (a conflict, nothing
     * recorded) when the provider is available already. A repeat of the key answers the first record.
     */
    public ActionResult resume(String actor, String reason, String key) {
        return actions.run(new Request(actor, RESUME, TARGET, reason, null, key), () -> {
            Availability before = status.current();
            if (before.available() || !status.resumeByOperator("resumed by " + actor + ": " + reason)) {
                return new Step.Refuse(new ActionResult.Refused(
                        "provider-available", "The provider is available already; there is nothing to resume", true));
            }
            return new Step.Applied(view(before), view(status.current()));
        });
    }

    private static Map<String, Object> view(Availability a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", a.state().name());
        m.put("since", a.since().toString());
        if (a.detail() != null) {
            m.put("detail", a.detail());
        }
        return m;
    }
}
