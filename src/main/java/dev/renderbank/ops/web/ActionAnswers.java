package dev.renderbank.ops.web;

import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.OperatorAction;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** How an operator action's outcome is answered over the API. */
final class ActionAnswers {

    private ActionAnswers() {}

    /** {@code created}: 201 for a new action, 200 for a repeat of its key. */
    static ResponseEntity<?> answer(ActionResult result, boolean created) {
        if (result instanceof ActionResult.Done d) {
            return ResponseEntity.status(created && !d.repeated() ? HttpStatus.CREATED : HttpStatus.OK)
                    .body(json(d.action(), d.repeated()));
        }
        if (result instanceof ActionResult.NotFound n) {
            return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", n.message());
        }
        ActionResult.Refused r = (ActionResult.Refused) result;
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, r.code(), "Refused", r.message());
    }

    static ResponseEntity<?> problem(HttpStatus status, String type, String title, String detail) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(status, type, title, detail));
    }

    static Map<String, Object> json(OperatorAction a, boolean repeated) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("actor", a.actor());
        m.put("action", a.action());
        m.put("target", a.target());
        m.put("reason", a.reason());
        m.put("amount", a.amount());
        m.put("before", a.before());
        m.put("after", a.after());
        m.put("idempotencyKey", a.idempotencyKey());
        m.put("createdAt", a.createdAt().toString());
        m.put("repeated", repeated);
        return m;
    }

    /** Grants must carry a key (a double submit then grants once); other actions may. */
    static String key(String header, boolean required) {
        if (header == null || header.isBlank()) {
            if (required) {
                throw new InvalidFieldException(
                        "Idempotency-Key",
                        "is required: send a fresh key per intended action (a repeat then acts once)");
            }
            return "auto:" + UUID.randomUUID();
        }
        if (header.length() > 200) {
            throw new InvalidFieldException("Idempotency-Key", "must be at most 200 characters");
        }
        return header;
    }

    static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new InvalidFieldException("reason", "is required: say why (it is recorded and shown in the audit)");
        }
        return reason.trim();
    }
}
