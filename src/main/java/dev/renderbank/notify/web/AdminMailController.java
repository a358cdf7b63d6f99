package dev.renderbank.notify.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.OutboxMessage;
import dev.renderbank.notify.OutboxPage;
import dev.renderbank.platform.InvalidFieldException;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
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
                    m.status().toLowerCase(java.util.Locale.ROOT),
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

    @GetMapping("/api/v1/admin/mail")
    MailPage list(@RequestParam(required = false) Long cursor, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 200) {
            throw new InvalidFieldException("limit", "must be between 1 and 200");
        }
        if (cursor != null && cursor < 1) {
            throw new InvalidFieldException("cursor", "must be a nextCursor this API returned");
        }
        OutboxPage page = notifier.outbox(cursor, limit);
        return new MailPage(page.items().stream().map(Item::of).toList(), page.nextCursor());
    }
}
