package dev.renderbank.notify.internal;

import dev.renderbank.notify.Queued;
import java.time.Clock;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Writes one rendered email into the outbox under its key: cause + recipient + channel. The key is
 * what makes a handler that runs twice (at-least-once events) queue one email.
 */
@Component
public class Mailer {

    private final MailTemplates templates;
    private final Outbox outbox;
    private final Smtp smtp;
    private final Clock clock;

    Mailer(MailTemplates templates, Outbox outbox, Smtp smtp, Clock clock) {
        this.templates = templates;
        this.outbox = outbox;
        this.smtp = smtp;
        this.clock = clock;
    }

    /** {@code userId} null for operators' mail; the recipient part of the key is then the address. */
    public Queued queue(String cause, String template, String to, Long userId, Map<String, Object> vars) {
        String key = key(cause, userId == null ? to : "user:" + userId);
        Rendered mail = templates.render(template, vars);
        return outbox.insert(key, template, to, userId, mail, smtp.enabled(), clock.instant())
                ? Queued.QUEUED
                : Queued.ALREADY_QUEUED;
    }

    public static String key(String cause, String recipient) {
        return cause + "|" + recipient + "|email";
    }

    public boolean delivering() {
        return smtp.enabled();
    }
}
