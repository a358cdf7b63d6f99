package dev.renderbank.ops.web;

import dev.renderbank.ops.ActionResult;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** How an operator action's outcome is answered over the API. */
final class ActionAnswers {

    private ActionAnswers() {}

    /** OpenAPI text of an action's successful answer (annotation values must be constants). */
    static final String DONE = "The action record; `repeated: true` when the same Idempotency-Key already did it";

    static final String JSON = "application/json";

    /** The OpenAPI content of a refusal. */
    static final String PROBLEM_JSON = "application/problem+json";

    static final String PROBLEM = "#/components/schemas/Problem";

    /** {@code created}: 201 for a new action, 200 for a repeat of its key. */
    static ResponseEntity<?> answer(ActionResult result, boolean created) {
        if (result instanceof ActionResult.Done d) {
            return ResponseEntity.status(created && !d.repeated() ? HttpStatus.CREATED : HttpStatus.OK)
                    .body(ActionRecord.of(d.action(), d.repeated()));
        }
        if (result instanceof ActionResult.NotFound n) {
            return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", n.message());
        }
        ActionResult.Refused r = (ActionResult.Refused) result;
        if (r.conflict()) {
            return problem(HttpStatus.CONFLICT, r.code(), "Conflict", r.message());
        }
        ProblemDetail p = Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, r.code(), "Refused", r.message());
        String field = REFUSED_FIELDS.get(r.code());
        if (field != null) {
            Problems.withFieldError(p, field, r.message());
        }
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    /** Refusals about one field of the request: their 422 names it in {@code errors}, as API.md says. */
    private static final Map<String, String> REFUSED_FIELDS =
            Map.of("key-reused", "Idempotency-Key", "grant-too-large", "amount", "waiver-too-large", "amount");

    static ResponseEntity<?> problem(HttpStatus status, String type, String title, String detail) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(status, type, title, detail));
    }

    /**
     * Actions that move credits (a grant, a debt waiver) must carry a key: a double submit then acts
     * once, and a retry cannot act on what changed since. Other actions may.
     */
    static String key(String header, boolean required) {
        if ((header == null || header.isBlank()) && !required) {
            return "auto:" + UUID.randomUUID();
        }
        OperatorForm.keyProblem(header).ifPresent(p -> {
            throw new InvalidFieldException("Idempotency-Key", p);
        });
        return header;
    }

    /** The trimmed reason, by the same rule as the pages' forms ({@link OperatorForm}). */
    static String reason(String reason) {
        OperatorForm.reasonProblem(reason).ifPresent(p -> {
            throw new InvalidFieldException("reason", p);
        });
        return reason.trim();
    }
}
