package dev.renderbank.notify;

import static dev.renderbank.notify.internal.MailVars.encode;
import static dev.renderbank.notify.internal.MailVars.vars;

import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.internal.AdminMail;
import dev.renderbank.notify.internal.LinkMail;
import dev.renderbank.notify.internal.Mailer;
import dev.renderbank.notify.internal.Money;
import dev.renderbank.notify.internal.NotificationSettings;
import dev.renderbank.notify.internal.UserMail;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The notifications facade: one method per email a user gets, the outbox for operators and the
 * user's notification settings. Each email method queues into the outbox under {@code cause} (the
 * business occurrence, e.g. {@code purchase:<reference>}); calling it again for the same cause queues
 * nothing new. Called by this module's durable event handlers after the business commit. Finding
 * the user an email goes to is {@link UserMail}'s; what it answers operators about the outbox is
 * worked out by {@link AdminMail}; the one-time link emails are {@link LinkMail}'s.
 */
@Service
public class Notifier {

    private final Mailer mailer;
    private final AdminMail adminMail;
    private final NotificationSettings settings;
    private final LinkMail linkMail;
    private final UserMail userMail;
    private final Ledger ledger;
    private final Clock clock;

    Notifier(
            Mailer mailer,
            AdminMail adminMail,
            NotificationSettings settings,
            LinkMail linkMail,
            UserMail userMail,
            Ledger ledger,
            Clock clock) {
        this.mailer = mailer;
        this.adminMail = adminMail;
        this.settings = settings;
        this.linkMail = linkMail;
        this.userMail = userMail;
        this.ledger = ledger;
        this.clock = clock;
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
        return purchase(userId, cause, product, amountMinor, 0, currency, credits, template);
    }

    /**
     * As above, for a purchase of which {@code fromBalanceMinor} was paid from the customer's balance at
     * the payment provider besides the {@code amountMinor} charged: the amount paid says both in words
     * ({@link Money#paid}), never "$0.00" alone for a period the balance paid.
     */
    public Queued purchase(
            long userId,
            String cause,
            String product,
            long amountMinor,
            long fromBalanceMinor,
            String currency,
            long credits,
            String template) {
        return userMail.queue(
                userId,
                cause,
                template,
                vars(
                        "product",
                        product,
                        "amountPaid",
                        Money.paid(amountMinor, fromBalanceMinor, currency),
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
        return userMail.queue(
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
        return userMail.queue( // a deleted account gets nothing: Mailer.queue
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
        return userMail.queue(
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
        return userMail.queue(
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

    /**
     * The first payment of the user's plan {@code product} failed (or the plan was ended at the payment
     * provider before it was paid): it never started and nothing was granted. Once per {@code cause}.
     */
    public Queued planPaymentFailed(long userId, String cause, String product) {
        return userMail.queue(userId, cause, "plan-payment-failed", vars("product", product));
    }

    /** Credits taken back after a refund or a lost dispute. */
    public Queued clawback(long userId, String cause, long credits, String reason) {
        var b = ledger.balance(userId);
        return userMail.queue(
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
        return userMail.queue(
                userId,
                webhookDisabledCause(endpointId, failingSince),
                "webhook-disabled",
                vars("endpointId", endpointId, "url", url, "since", failingSince, "link", "/account/webhooks"));
    }

    /** The cause of the email about one disabling of an endpoint (the failing period it ended). */
    public static String webhookDisabledCause(String endpointId, Instant failingSince) {
        return "webhook-disabled:" + endpointId + ":" + failingSince.toEpochMilli();
    }

    /**
     * The link that verifies the address; outside {@code prod} also logged when no SMTP server is
     * configured. Not sent once the link has expired ({@code expiresAt}, null: no limit): an SMTP
     * outage longer than the link's lifetime would otherwise deliver a dead link.
     */
    public Queued emailVerification(long userId, String cause, String token, Instant expiresAt) {
        return linkMail.emailVerification(userId, cause, token, expiresAt);
    }

    /** The password-reset link; logged, and not sent once expired, like {@link #emailVerification}. */
    public Queued passwordReset(long userId, String cause, String token, Instant expiresAt) {
        return linkMail.passwordReset(userId, cause, token, expiresAt);
    }

    /** The outbox, newest first, {@code limit} (1 to 200) emails older than {@code cursor} (null: from the newest). */
    public OutboxPage outbox(Long cursor, int limit) {
        return adminMail.page(null, cursor, limit);
    }

    /**
     * As {@link #outbox(Long, int)}, of one {@code status} only (one of {@link #outboxStatuses()}, upper
     * case; null: every email).
     */
    public OutboxPage outbox(String status, Long cursor, int limit) {
        return adminMail.page(status, cursor, limit);
    }

    /** The states an outbox email can be in: PENDING, HELD, FAILED, SENT. */
    public java.util.List<String> outboxStatuses() {
        return AdminMail.STATUSES;
    }

    /** One outbox email with both bodies, by its id (operators read held and failed emails). */
    public Optional<OutboxMail> outboxMail(long id) {
        return adminMail.mail(id);
    }

    public Optional<OutboxMessage> message(String cause, long userId) {
        return adminMail.message(cause, userId);
    }

    /** Outbox messages by status (PENDING, HELD, FAILED, SENT): the backlog operators watch. */
    public Map<String, Long> outboxByStatus() {
        return adminMail.byStatus();
    }

    /**
     * Sends a FAILED email (or a HELD one, once an SMTP server is configured) again, once however many
     * resends run at once ({@link AdminMail#resend}). Runs in the caller's transaction (an operator's
     * audited action).
     */
    public MailResend resendMail(long id) {
        return adminMail.resend(id);
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
}
