package dev.renderbank.notify.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.OutboxMail;
import dev.renderbank.notify.OutboxMessage;
import dev.renderbank.notify.OutboxPage;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operators read the outbox (ADMIN only, by the API security chain): what was sent, held or failed. */
@RestController
class AdminMailController {

    private final Notifier notifier;

    AdminMailController(Notifier notifier) {
        this.notifier = notifier;
    }

    record Item(
            long id,
            String to,
            String subject,
            String template,
            String status,
            int attempts,
            String lastError,
            Instant nextAttemptAt,
            Instant createdAt,
            Instant sentAt) {

        static Item of(OutboxMessage m) {
            return new Item(
                    m.id(),
                    m.to(),
                    m.subject(),
                    m.template(),
                    m.status().toLowerCase(Locale.ROOT),
                    m.attempts(),
                    m.lastError(),
                    "PENDING".equals(m.status()) ? m.nextAttemptAt() : null,
                    m.createdAt(),
                    m.sentAt());
        }
    }

    /** A page of the outbox, newest first; {@code nextCursor} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MailPage(List<Item> items, Long nextCursor) {}

    /**
     * {@code status}: {@code pending}, {@code held}, {@code failed} or {@code sent} (any case) for the
     * emails in that state only; absent or blank for all.
     */
    @GetMapping("/api/v1/admin/mail")
    MailPage list(
            @RequestParam(required = false) Long cursor,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String status) {
        String state = status(notifier, status);
        if (limit < 1 || limit > 200) {
            throw new InvalidFieldException("limit", "must be between 1 and 200");
        }
        if (cursor != null && cursor < 1) {
            throw new InvalidFieldException("cursor", "must be a nextCursor this API returned");
        }
        OutboxPage page = notifier.outbox(state, cursor, limit);
        return new MailPage(page.items().stream().map(Item::of).toList(), page.nextCursor());
    }

    /** The state asked for, upper case; null for all; 400 naming the states for any other word. */
    static String status(Notifier notifier, String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        String upper = status.trim().toUpperCase(Locale.ROOT);
        if (!notifier.outboxStatuses().contains(upper)) {
            throw new InvalidFieldException(
                    "status",
                    "must be one of "
                            + String.join(", ", notifier.outboxStatuses()).toLowerCase(Locale.ROOT)
                            + " (or absent for every email)");
        }
        return upper;
    }

    /**
     * One email whole: its stored headers ({@code to}, {@code subject}; {@code key} goes out as
     * {@code X-Renderbank-Key} and its digest as the {@code Message-ID}), state, and both bodies as
     * stored ({@code html} is the HTML part's source).
     */
    record Message(
            long id,
            String key,
            String template,
            String to,
            String subject,
            String status,
            int attempts,
            String lastError,
            Instant nextAttemptAt,
            Instant createdAt,
            Instant sentAt,
            String text,
            String html) {

        static Message of(OutboxMail mail) {
            Item i = Item.of(mail.message());
            return new Message(
                    i.id(),
                    mail.message().key(),
                    i.template(),
                    i.to(),
                    i.subject(),
                    i.status(),
                    i.attempts(),
                    i.lastError(),
                    i.nextAttemptAt(),
                    i.createdAt(),
                    i.sentAt(),
                    mail.text(),
                    mail.html());
        }
    }

    @GetMapping("/api/v1/admin/mail/{id}")
    @ApiResponse(
            responseCode = "200",
            description = "The email: headers as stored, state, text body and the HTML body's source",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Message.class)))
    ResponseEntity<?> one(@PathVariable long id) {
        return notifier.outboxMail(id)
                .<ResponseEntity<?>>map(m -> ResponseEntity.ok(Message.of(m)))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No email " + id)));
    }
}
