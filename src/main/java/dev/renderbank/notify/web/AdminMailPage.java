package dev.renderbank.notify.web;

import dev.renderbank.notify.Notifier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code /admin/mail}: the outbox as a page, and {@code /admin/mail/{id}}: one email whole (ADMIN
 * only, by the page security chain). The email's bodies are shown as text, its HTML part as source:
 * rendering an email's markup inside the admin page would run whatever a body holds with the
 * operator's session.
 */
@Controller
class AdminMailPage {

    private final Notifier notifier;

    AdminMailPage(Notifier notifier) {
        this.notifier = notifier;
    }

    @GetMapping("/admin/mail")
    String page(
            @RequestParam(required = false) Long cursor, @RequestParam(required = false) String status, Model model) {
        String state = AdminMailController.status(notifier, status);
        model.addAttribute("page", notifier.outbox(state, cursor == null || cursor < 1 ? null : cursor, 50));
        model.addAttribute("status", state);
        model.addAttribute("statuses", notifier.outboxStatuses());
        model.addAttribute("delivering", notifier.delivering());
        model.addAttribute("newKey", java.util.UUID.randomUUID().toString());
        return "admin/mail";
    }

    @GetMapping("/admin/mail/{id}")
    String message(@PathVariable long id, Model model) {
        model.addAttribute(
                "mail",
                notifier.outboxMail(id)
                        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such email")));
        // its "Send again" form posts to the operators' audited action (ops), which comes back here
        model.addAttribute("delivering", notifier.delivering());
        model.addAttribute("newKey", java.util.UUID.randomUUID().toString());
        return "admin/mail-message";
    }
}
