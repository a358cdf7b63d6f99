package dev.renderbank.notify.internal;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.notify.Queued;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

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
    private final AccountDeletion accounts;
    private final TransactionTemplate tx;

    Mailer(
            MailTemplates templates,
            Outbox outbox,
            Smtp smtp,
            Clock clock,
            AccountDeletion accounts,
            TransactionTemplate tx) {
        this.templates = templates;
        this.outbox = outbox;
        this.smtp = smtp;
        this.clock = clock;
        this.accounts = accounts;
        this.tx = tx;
    }

    /**
     * {@code userId} null for operators' mail; the recipient part of the key is then the address. A
     * user's email is written under a key-share lock of the user's row (joining the caller's
     * transaction, if any): nothing for an account already deleted (its address is erased), and a
     * deletion waits for the email, whose row its erasure ({@code AccountDeletedMail}) then finds.
     */
    public Queued queue(String cause, String template, String to, Long userId, Map<String, Object> vars) {
        return queue(cause, template, to, userId, vars, null);
    }

    /**
     * As {@link #queue(String, String, String, Long, Map)}, for an email that is worth nothing from
     * {@code sendBy} on (a link that expires then; null: no such limit): the sender ends it unsent
     * after it, and an operator cannot send it again.
     */
    public Queued queue(
            String cause, String template, String to, Long userId, Map<String, Object> vars, Instant sendBy) {
        String key = key(cause, userId == null ? to : "user:" + userId);
        Rendered mail = templates.render(template, vars);
        if (userId == null) {
            return insert(key, template, to, null, mail, sendBy);
        }
        return tx.execute(status -> accounts.keepUndeletedUntilCommit(userId)
                ? insert(key, template, to, userId, mail, sendBy)
                : Queued.NO_RECIPIENT);
    }

    private Queued insert(String key, String template, String to, Long userId, Rendered mail, Instant sendBy) {
        return outbox.insert(key, template, to, userId, mail, smtp.enabled(), clock.instant(), sendBy)
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
