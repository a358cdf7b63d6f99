package dev.renderbank.account;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.notify.Notifier;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The emails form on {@code /account}: whether the user is emailed when a generation is ready or
 * failed (the setting {@code PUT /api/v1/notification-settings} changes; those emails point here).
 * Receipts and security emails always go. An unticked box is not sent by a browser: absent is off.
 */
@Controller
class EmailsForm {

    private final Notifier notifier;

    EmailsForm(Notifier notifier) {
        this.notifier = notifier;
    }

    @PostMapping("/account/emails")
    String save(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(defaultValue = "false") boolean generationEmails,
            RedirectAttributes flash) {
        boolean now = notifier.changeSettings(user.id(), generationEmails, null).generationEmails();
        flash.addFlashAttribute(
                "emailsNotice",
                now
                        ? "You will be emailed when a generation is ready or has failed."
                        : "You will no longer be emailed about finished generations; receipts and security emails"
                                + " still come.");
        return "redirect:/account#emails";
    }
}
