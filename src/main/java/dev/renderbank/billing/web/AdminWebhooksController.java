package dev.renderbank.billing.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.billing.Billing;
import dev.renderbank.billing.PaymentEvent;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Locale;
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

    /** A page of stored payment events, newest first; {@code nextCursor} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WebhookEventList(List<PaymentEvent> items, Long nextCursor) {}

    /**
     * Documentation only: the body is the provider's event as it arrived, with a deleted account's
     * personal fields erased (Creem and Stripe events, and the simulated ones, are JSON objects with the
     * provider's event id).
     */
    @Schema(
            description = "The payment provider's webhook event as received (the buyer's address, name, phone and"
                    + " postal address read \"erased\" once it names a deleted account); its other fields are the"
                    + " provider's own",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record WebhookPayload(
            @Schema(description = "The provider's event id") String id) {}

    @GetMapping("/api/v1/admin/webhooks")
    WebhookEventList list(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) Long cursor,
            @RequestParam(defaultValue = "50") int limit) {
        if (status != null && status.isBlank()) {
            status = null; // ?status= as API.md writes it, or a form's empty choice: every status, as the page
        }
        if (status != null && !STATUSES.contains(status.toLowerCase(Locale.ROOT))) {
            throw new InvalidFieldException("status", "must be one of " + STATUSES);
        }
        List<PaymentEvent> items =
                billing.paymentEvents(status == null ? null : status.toUpperCase(Locale.ROOT), cursor, limit);
        return new WebhookEventList(
                items, items.size() == limit ? items.get(items.size() - 1).id() : null);
    }

    @GetMapping("/api/v1/admin/webhooks/{id}/payload")
    @ApiResponse(
            responseCode = "200",
            description =
                    "The stored payload, byte for byte as received unless a deleted account's personal fields were"
                            + " erased from it",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = WebhookPayload.class)))
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
