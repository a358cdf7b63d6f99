package dev.renderbank.notify.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.notify.NotificationChoices;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.InvalidFieldException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's notification choices. Only "generation ready/failed" emails can be turned off;
 * receipts and security emails (verification, password reset) always go. {@code creditsLowThreshold}:
 * the available credits below which a {@code credits.low} webhook fires (default 20).
 */
@RestController
@RequestMapping("/api/v1/notification-settings")
class NotificationSettingsController {

    static final long MAX_THRESHOLD = 1_000_000_000L;

    private final Notifier notifier;

    NotificationSettingsController(Notifier notifier) {
        this.notifier = notifier;
    }

    record Settings(Boolean generationEmails, Long creditsLowThreshold) {
        static Settings of(NotificationChoices c) {
            return new Settings(c.generationEmails(), c.creditsLowThreshold());
        }
    }

    @GetMapping
    Settings get(@AuthenticationPrincipal CurrentUser user) {
        return Settings.of(notifier.settings(user.id()));
    }

    /** Changes the fields sent (at least one); the others keep their values. */
    @PutMapping
    Settings put(@AuthenticationPrincipal CurrentUser user, @RequestBody Settings body) {
        if (body == null || body.generationEmails() == null && body.creditsLowThreshold() == null) {
            throw new InvalidFieldException(
                    "generationEmails", "is required: true or false (or send creditsLowThreshold)");
        }
        if (body.creditsLowThreshold() != null
                && (body.creditsLowThreshold() < 0 || body.creditsLowThreshold() > MAX_THRESHOLD)) {
            throw new InvalidFieldException("creditsLowThreshold", "must be between 0 and " + MAX_THRESHOLD);
        }
        // one statement for both fields: two PUTs at once leave one's pair, never a field of each
        return Settings.of(notifier.changeSettings(user.id(), body.generationEmails(), body.creditsLowThreshold()));
    }
}
