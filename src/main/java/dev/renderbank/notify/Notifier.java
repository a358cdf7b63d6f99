package dev.renderbank.notify;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserTimes;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.internal.Mailer;
import dev.renderbank.notify.internal.Money;
import dev.renderbank.notify.internal.NotificationSettings;
import dev.renderbank.notify.internal.Outbox;
import dev.renderbank.platform.PublicUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Service;

/**
 * The notifications facade: one method per email a user gets, the outbox for operators and the
 * user's notification settings. Each email method queues into the outbox under {@code cause} (the
 * business occurrence, e.g. {@code purchase:<reference>}); calling it again for the same cause queues
 * nothing new. Called by this module's durable event handlers after the business commit.
 *
 * <p>Just over this code base's usual ~300 lines: it is the module's one facade, one short method per
 * email or setting, so splitting it would only spread the public API over several classes.
 */
@Service
public class Notifier {

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final Mailer mailer;
    private final Outbox outbox;
    private final NotificationSettings settings;
    private final Users users;
    private final Ledger ledger;
    private final Clock clock;
    private final Environment profiles;
    private final PublicUrl publicUrl;

    Notifier(
            Mailer mailer,
            Outbox outbox,
            NotificationSettings settings,
            Users users,
            Ledger ledger,
            Clock clock,
            Environment profiles,
            PublicUrl publicUrl) {
        this.mailer = mailer;
        this.outbox = outbox;
        this.settings = settings;
        this.users = users;
        this.ledger = ledger;
        this.clock = clock;
        this.profiles = profiles;
        this.publicUrl = publicUrl;
    }

    /**
     * A receipt as {@code template} tells it: {@code purchase} (a pack, a subscription's first period),
     * {@code subscription-renewal} (a later period), or {@code plan-change} (a period on another plan
     * than the one before; its credits may be none, when the old plan's unused time already paid for the
     * new plan's first month, and the notice says why).
     */
    public Queued purchase(
            long userId,
            String cause,
            String product,
            long amountMinor,
            String currency,
            long credits,
            String template) {
        return toUser(
                userId,
                cause,
                template,
                vars(
                        "product",
                        product,
                        "amountPaid",
                        Money.format(amountMinor, currency),
                        "credits",
                        credits,
                        "balance",
                        ledger.balance(userId).available()));
    }

    /**
     * A finished generation; {@code taskId} links to its page in the app, which never expires (unlike
     * a presigned storage URL). {@code free}: delivered after its hold expired, so not charged.
     */
    public Queued generationReady(long userId, String taskId, String type, String model, boolean free) {
        if (!settings.generationEmails(userId)) {
            return Queued.OPTED_OUT;
        }
        return toUser(
                userId,
                "generation:" + taskId,
                "generation-ready",
                vars("type", type, "model", model, "free", free, "link", "/creations/" + encode(taskId)));
    }

    /**
     * A result that arrived after its job was reported failed (or after its hold expired): stored,
     * and free of charge. Its own cause ({@code generation-late:<taskId>}), so neither the failure
     * email sent before nor a repeat of this one hides or doubles it; nothing for a deleted account.
     */
    public Queued generationLate(long userId, String taskId, String type, String model) {
        if (!settings.generationEmails(userId)) {
            return Queued.OPTED_OUT;
        }
        return toUser( // a deleted account gets nothing: Mailer.queue
                userId,
                "generation-late:" + taskId,
                "generation-ready",
                vars("type", type, "model", model, "free", true, "link", "/creations/" + encode(taskId)));
    }

    /** A failed generation: its credits were released; {@code reason} in plain words. */
    public Queued generationFailed(
            long userId, String taskId, String type, String model, long creditsReleased, String reason) {
        if (!settings.generationEmails(userId)) {
            return Queued.OPTED_OUT;
        }
        return toUser(
                userId,
                "generation:" + taskId,
                "generation-failed",
                vars(
                        "type",
                        type,
                        "model",
                        model,
                        "credits",
                        creditsReleased,
                        "reason",
                        reason,
                        "link",
                        "/creations/" + encode(taskId)));
    }

    /** Credits an operator granted as an apology, with the operator's reason. */
    public Queued compensation(long userId, String cause, long credits, String reason) {
        return toUser(
                userId,
                cause,
                "compensation",
                vars(
                        "credits",
                        credits,
                        "reason",
                        reason,
                        "balance",
                        ledger.balance(userId).available()));
    }

    /** Credits taken back after a refund or a lost dispute. */
    public Queued clawback(long userId, String cause, long credits, String reason) {
        var b = ledger.balance(userId);
        return toUser(
                userId,
                cause,
                "clawback",
                vars("credits", credits, "reason", reason, "balance", b.available(), "debt", b.debt()));
    }

    /**
     * One of the user's webhook endpoints was disabled after failing since {@code failingSince}; sent
     * once per disabling, whatever the user's email settings. An endpoint enabled again and disabled
     * once more was failing from a later moment: that is part of the key, so the owner is told again.
     */
    public Queued webhookEndpointDisabled(long userId, String endpointId, String url, Instant failingSince) {
        return toUser(
                userId,
                webhookDisabledCause(endpointId, failingSince),
                "webhook-disabled",
                vars("endpointId", endpointId, "url", url, "since", failingSince, "link", "/account/webhooks"));
    }

    /** The cause of the email about one disabling of an endpoint (the failing period it ended). */
    public static String webhookDisabledCause(String endpointId, Instant failingSince) {
        return "webhook-disabled:" + endpointId + ":" + failingSince.toEpochMilli();
    }

    /** The link that verifies the address; outside {@code prod} also logged when no SMTP server is configured. */
    public Queued emailVerification(long userId, String cause, String token) {
        String link = "/verify-email?token=" + encode(token);
        return logged(toUser(userId, cause, "verify-email", vars("link", link)), userId, "verification", link);
    }

    /** The password-reset link; logged like {@link #emailVerification}. */
    public Queued passwordReset(long userId, String cause, String token) {
        String link = "/password/reset?token=" + encode(token);
        return logged(toUser(userId, cause, "password-reset", vars("link", link)), userId, "password-reset", link);
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

    public OutboxPage outbox(Long cursor, int limit) {
        if (limit < 1 || limit > 200) {
            throw new IllegalArgumentException("limit must be between 1 and 200");
        }
        var items = outbox.page(cursor, limit + 1);
        if (items.size() > limit) {
            var page = items.subList(0, limit);
            return new OutboxPage(
                    java.util.List.copyOf(page), page.get(limit - 1).id());
        }
        return new OutboxPage(items, null);
    }

    /** One outbox email with both bodies, by its id (operators read held and failed emails). */
    public Optional<OutboxMail> outboxMail(long id) {
        return outbox.byId(id);
    }

    public Optional<OutboxMessage> message(String cause, long userId) {
        return outbox.byKey(Mailer.key(cause, "user:" + userId));
    }

    /** Outbox messages by status (PENDING, HELD, FAILED, SENT): the backlog operators watch. */
    public Map<String, Long> outboxByStatus() {
        return outbox.countByStatus();
    }

    /**
     * Sends a FAILED email (or a HELD one, once an SMTP server is configured) again: PENDING, due now,
     * its attempts counted from 0. The change is a compare-and-set on the status just read, so of
     * resends at once one moves it and the others find it PENDING (nothing changed): it is sent once.
     * Runs in the caller's transaction (an operator's audited action).
     */
    public MailResend resendMail(long id) {
        for (int tries = 0; tries < 3; tries++) {
            Optional<OutboxMessage> found = outbox.byId(id).map(OutboxMail::message);
            if (found.isEmpty()) {
                return new MailResend.NotFound();
            }
            OutboxMessage m = found.get();
            switch (m.status()) {
                case "SENT":
                    return new MailResend.Sent();
                case "PENDING":
                    return new MailResend.AlreadyPending(m.attempts());
                case "HELD":
                    if (!mailer.delivering()) {
                        return new MailResend.HeldWithoutSmtp();
                    }
                    break;
                default:
                    break;
            }
            if (outbox.bodyRemoved(id).orElse(false)) {
                return new MailResend.BodyRemoved(m.status());
            }
            if (outbox.resend(id, m.status(), clock.instant())) {
                return new MailResend.Requeued(m.status(), m.attempts());
            }
            // changed since it was read (another resend, an account deletion): decide on what it is now
        }
        throw new IllegalStateException("email " + id + " kept changing while it was being resent");
    }

    /** False in outbox-only mode (no {@code spring.mail.host}): messages are kept, not sent. */
    public boolean delivering() {
        return mailer.delivering();
    }

    /** Whether "generation ready/failed" emails go to the user (receipts and security emails always do). */
    public boolean generationEmails(long userId) {
        return settings.generationEmails(userId);
    }

    public void setGenerationEmails(long userId, boolean on) {
        settings.change(userId, on, null, clock.instant());
    }

    /** Available credits below which a {@code credits.low} webhook fires (once per crossing). */
    public long creditsLowThreshold(long userId) {
        return settings.creditsLowThreshold(userId);
    }

    public void setCreditsLowThreshold(long userId, long threshold) {
        changeSettings(userId, null, threshold);
    }

    /** Both settings of the user, read together. */
    public NotificationChoices settings(long userId) {
        return settings.read(userId);
    }

    /**
     * Changes the settings given (null: keep that one) in one statement and returns the pair written;
     * two changes at once leave one's pair or the other's, never a field of each.
     */
    public NotificationChoices changeSettings(long userId, Boolean generationEmails, Long creditsLowThreshold) {
        if (creditsLowThreshold != null && creditsLowThreshold < 0) {
            throw new IllegalArgumentException("creditsLowThreshold must be 0 or more");
        }
        return settings.change(userId, generationEmails, creditsLowThreshold, clock.instant());
    }

    private Queued toUser(long userId, String cause, String template, Map<String, Object> vars) {
        Optional<UserAccount> user = users.byId(userId);
        if (user.isEmpty()) {
            log.warn("no user {}: {} email for {} not queued", userId, template, cause);
            return Queued.NO_RECIPIENT;
        }
        vars.put("email", user.get().email());
        // a time an email names is written in the recipient's zone, as their pages write it
        vars.put("times", UserTimes.in(user.get().timeZone()));
        return mailer.queue(cause, template, user.get().email(), userId, vars);
    }

    private static Map<String, Object> vars(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
