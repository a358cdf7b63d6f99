package dev.renderbank.notify.internal;

import static dev.renderbank.notify.internal.MailVars.encode;
import static dev.renderbank.notify.internal.MailVars.vars;

import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.Queued;
import dev.renderbank.platform.PublicUrl;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The emails of one-time links ({@link Notifier#emailVerification}, {@link Notifier#passwordReset}):
 * queued for the user, and logged for a local run without SMTP.
 */
@Component
public class LinkMail {

    /** The facade's logger, under whose name these lines have always been logged. */
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final Mailer mailer;
    private final UserMail userMail;
    private final Environment profiles;
    private final PublicUrl publicUrl;

    public LinkMail(Mailer mailer, UserMail userMail, Environment profiles, PublicUrl publicUrl) {
        this.mailer = mailer;
        this.userMail = userMail;
        this.profiles = profiles;
        this.publicUrl = publicUrl;
    }

    /**
     * The link that verifies the address; outside {@code prod} also logged when no SMTP server is
     * configured. Not sent once the link has expired ({@code expiresAt}, null: no limit): an SMTP
     * outage longer than the link's lifetime would otherwise deliver a dead link.
     */
    public Queued emailVerification(long userId, String cause, String token, Instant expiresAt) {
        String link = "/verify-email?token=" + encode(token);
        Queued q = userMail.queue(userId, cause, "verify-email", vars("link", link), expiresAt);
        return logged(q, userId, "verification", link);
    }

    /** The password-reset link; logged, and not sent once expired, like {@link #emailVerification}. */
    public Queued passwordReset(long userId, String cause, String token, Instant expiresAt) {
        String link = "/password/reset?token=" + encode(token);
        Queued q = userMail.queue(userId, cause, "password-reset", vars("link", link), expiresAt);
        return logged(q, userId, "password-reset", link);
    }

    /**
     * A local run without SMTP keeps emails in the outbox, so the person trying it could never open
     * their link: it is logged for them. Never under {@code prod}, where logs are read by others.
     */
    private Queued logged(Queued q, long userId, String what, String link) {
        if (q == Queued.QUEUED && !mailer.delivering() && !profiles.acceptsProfiles(Profiles.of("prod"))) {
            log.info(
                    "No SMTP server configured (spring.mail.host): {} link for user {}: {}{}",
                    what,
                    userId,
                    publicUrl.get(),
                    link);
        }
        return q;
    }
}
