package dev.renderbank.notify.web;

import dev.renderbank.notify.Notifier;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** {@code /admin/mail}: the outbox as a page (ADMIN only, by the page security chain). */
@Controller
class AdminMailPage {

    private final Notifier notifier;

    AdminMailPage(Notifier notifier) {
        this.notifier = notifier;
    }

    @GetMapping("/admin/mail")
    String page(@RequestParam(required = false) Long cursor, Model model) {
        model.addAttribute("page", notifier.outbox(cursor == null || cursor < 1 ? null : cursor, 50));
        model.addAttribute("delivering", notifier.delivering());
        return "admin/mail";
    }
}
