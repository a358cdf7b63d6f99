package dev.renderbank.notify.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.InvalidFieldException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's email choices. Only "generation ready/failed" can be turned off; receipts and security
 * emails (verification, password reset) always go.
 */
@RestController
@RequestMapping("/api/v1/notification-settings")
class NotificationSettingsController {

    private final Notifier notifier;

    NotificationSettingsController(Notifier notifier) {
        this.notifier = notifier;
    }

    record Settings(Boolean generationEmails) {}

    @GetMapping
    Settings get(@AuthenticationPrincipal CurrentUser user) {
        return new Settings(notifier.generationEmails(user.id()));
    }

    @PutMapping
    Settings put(@AuthenticationPrincipal CurrentUser user, @RequestBody Settings body) {
        if (body == null || body.generationEmails() == null) {
            throw new InvalidFieldException("generationEmails", "is required: true or false");
        }
        notifier.setGenerationEmails(user.id(), body.generationEmails());
        return new Settings(notifier.generationEmails(user.id()));
    }
}
