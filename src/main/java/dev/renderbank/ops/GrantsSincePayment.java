package dev.renderbank.ops;

import dev.renderbank.ops.internal.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operators' grants to the buyer of an unrecorded payment since it was paid, shown beside its
 * repair: a grant is compensation keyed by its own action, unrelated to the purchase, so an operator
 * who "made up" a lost purchase by a grant would see the pack granted a second time by the repair (or
 * by the webhook when it arrives). The page warns with the grants, and the operator decides.
 */
@Component
public class GrantsSincePayment {

    /** How far back a payment that does not say when it was paid is looked at. */
    static final Duration UNDATED = Duration.ofDays(90);

    private static final JsonMapper JSON = JsonMapper.shared();

    private final AuditLog log;
    private final Clock clock;

    GrantsSincePayment(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** For each unrepaired PAID_NOT_RECORDED finding whose buyer got operator grants since the payment: those. */
    public Map<Long, List<OperatorAction>> of(List<Finding> findings) {
        Map<Long, List<OperatorAction>> grants = new LinkedHashMap<>();
        for (Finding f : findings) {
            if (f.kind() != FindingKind.PAID_NOT_RECORDED || f.repairedAt() != null) {
                continue;
            }
            JsonNode evidence = JSON.readTree(f.evidence());
            String userId = text(evidence, "userId");
            if (!userId.matches("\\d{1,18}")) {
                continue;
            }
            List<OperatorAction> since = log.list(null, "grant", "user:" + userId, paidAt(evidence), null, null, 20);
            if (!since.isEmpty()) {
                grants.put(f.id(), since);
            }
        }
        return grants;
    }

    private static String text(JsonNode evidence, String field) {
        JsonNode v = evidence.path(field);
        return v.isString() || v.isNumber() ? v.asString() : "";
    }

    private Instant paidAt(JsonNode evidence) {
        String paid = text(evidence, "paidAt");
        try {
            return Instant.parse(paid);
        } catch (DateTimeParseException e) {
            return clock.instant().minus(UNDATED);
        }
    }
}
