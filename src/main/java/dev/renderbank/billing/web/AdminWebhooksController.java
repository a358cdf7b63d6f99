package dev.renderbank.billing.web;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.PaymentEvent;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' view of payment webhooks (ADMIN only, by the API security chain). Repairs go through the
 * audited {@code POST /api/v1/admin/webhooks/{id}/reprocess} (ops), which needs a reason.
 */
@RestController
class AdminWebhooksController {

    private static final Set<String> STATUSES = Set.of("received", "processed", "ignored", "failed");

    private final Billing billing;

    AdminWebhooksController(Billing billing) {
        this.billing = billing;
    }

    @GetMapping("/api/v1/admin/webhooks")
    Map<String, Object> list(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) Long cursor,
            @RequestParam(defaultValue = "50") int limit) {
        if (status != null && !STATUSES.contains(status.toLowerCase(Locale.ROOT))) {
            throw new InvalidFieldException("status", "must be one of " + STATUSES);
        }
        List<PaymentEvent> items =
                billing.paymentEvents(status == null ? null : status.toUpperCase(Locale.ROOT), cursor, limit);
        Long next = items.size() == limit ? items.get(items.size() - 1).id() : null;
        return next == null ? Map.of("items", items) : Map.of("items", items, "nextCursor", next);
    }

    @GetMapping("/api/v1/admin/webhooks/{id}/payload")
    ResponseEntity<?> payload(@PathVariable long id) {
        return billing.paymentEventPayload(id)
                .<ResponseEntity<?>>map(p -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(p))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No such webhook")));
    }
}
