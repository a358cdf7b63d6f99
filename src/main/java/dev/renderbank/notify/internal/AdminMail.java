package dev.renderbank.notify.internal;

import dev.renderbank.notify.MailResend;
import dev.renderbank.notify.OutboxMail;
import dev.renderbank.notify.OutboxMessage;
import dev.renderbank.notify.OutboxPage;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The outbox as operators use it ({@code Notifier} answers for it): read page by page or one email
 * whole, counted by status, and a failed or held email sent again. No transaction of its own: a
 * resend runs in its caller's (an operator's audited action).
 */
@Component
public class AdminMail {

    private final AdminOutbox outbox;
    private final Mailer mailer;
    private final Clock clock;

    AdminMail(AdminOutbox outbox, Mailer mailer, Clock clock) {
        this.outbox = outbox;
        this.mailer = mailer;
        this.clock = clock;
    }

    /** The states an outbox email can be in. */
    public static final List<String> STATUSES = List.of("PENDING", "HELD", "FAILED", "SENT");

    /** {@code status}: one of {@link #STATUSES}, or null for every email. */
    public OutboxPage page(String status, Long cursor, int limit) {
        if (limit < 1 || limit > 200) {
            throw new IllegalArgumentException("limit must be between 1 and 200");
        }
        if (status != null && !STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + STATUSES);
        }
        var items = outbox.page(status, cursor, limit + 1);
        if (items.size() > limit) {
            var page = items.subList(0, limit);
            return new OutboxPage(List.copyOf(page), page.get(limit - 1).id());
        }
        return new OutboxPage(items, null);
    }

    public Optional<OutboxMail> mail(long id) {
        return outbox.byId(id);
    }

    /** The user's email about {@code cause}. */
    public Optional<OutboxMessage> message(String cause, long userId) {
        return outbox.byKey(Mailer.key(cause, "user:" + userId));
    }

    public Map<String, Long> byStatus() {
        return outbox.countByStatus();
    }

    /**
     * Sends a FAILED email (or a HELD one, once an SMTP server is configured) again: PENDING, due now,
     * its attempts counted from 0. The change is a compare-and-set on the status just read, so of
     * resends at once one moves it and the others find it PENDING (nothing changed): it is sent once.
     * Never one whose link has expired (its {@code send_by} passed): the user must ask for a new link.
     */
    public MailResend resend(long id) {
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
            Optional<Instant> sendBy = outbox.sendBy(id);
            if (sendBy.isPresent() && !clock.instant().isBefore(sendBy.get())) {
                return new MailResend.LinkExpired(sendBy.get());
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
}
