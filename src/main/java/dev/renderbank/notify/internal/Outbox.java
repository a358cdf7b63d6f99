package dev.renderbank.notify.internal;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.platform.StorableText;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The sender's side of the {@code mail_outbox} table: an email written, claimed, checked just before
 * its send and its outcome marked, and a deleted account's address erased. Every state change is one
 * conditional statement. What operators read and send again is {@link AdminOutbox}.
 */
@Repository
public class Outbox {

    /**
     * A message ready to be handed to SMTP, with the attempt number its claim took in the message's
     * send round ({@code round}: how many times an operator sent it again, see {@link AdminOutbox#resend}).
     */
    public record Claimed(
            long id, String key, String to, String subject, String text, String html, int attempt, int round) {

        public Claimed(long id, String key, String to, String subject, String text, String html, int attempt) {
            this(id, key, to, subject, text, html, attempt, 0);
        }
    }

    /** Templates whose body holds a one-time secret link. */
    static final List<String> ONE_TIME_LINK_TEMPLATES = List.of("verify-email", "password-reset");

    /**
     * Templates of the emails the user's generation-emails setting turns off ({@code Notifier}'s
     * generation ready, late and failed); no other email depends on it.
     */
    static final List<String> GENERATION_TEMPLATES = List.of("generation-ready", "generation-failed");

    private final JdbcClient jdbc;

    Outbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Writes the message unless its key exists; true when this call wrote it. {@code sendBy}: not sent
     * from then on (null: no limit).
     */
    public boolean insert(
            String key,
            String template,
            String to,
            Long userId,
            Rendered mail,
            boolean deliver,
            Instant now,
            Instant sendBy) {
        return jdbc.sql("""
                        insert into mail_outbox (message_key, template, recipient, user_id, subject, body_text,
                                    body_html, status, next_attempt_at, created_at, send_by)
                        values (:key, :template, :to, :user, :subject, :text, :html, :status, :now, :now, :sendBy)
                        on conflict (message_key) do nothing""")
                        .param("key", key)
                        .param("template", template)
                        .param("to", to)
                        .param("user", userId)
                        .param("subject", mail.subject())
                        .param("text", mail.text())
                        .param("html", mail.html())
                        .param("status", deliver ? "PENDING" : "HELD")
                        .param("now", ts(now))
                        .param("sendBy", ts(sendBy))
                        .update()
                == 1;
    }

    /**
     * Claims due messages for one attempt: counts the attempt and moves the next attempt a lease away,
     * so a sender that dies mid-send is replaced after the lease. {@code SKIP LOCKED}: several nodes
     * never claim the same row.
     */
    public List<Claimed> claimDue(Instant now, Instant leaseUntil, int limit) {
        return jdbc.sql("""
                        update mail_outbox set attempts = attempts + 1, next_attempt_at = :lease
                        where id in (select id from mail_outbox
                                     where status = 'PENDING' and next_attempt_at <= :now
                                     order by next_attempt_at, id limit :limit for update skip locked)
                        returning id, message_key, recipient, subject, body_text, body_html, attempts, send_round""")
                .param("now", ts(now))
                .param("lease", ts(leaseUntil))
                .param("limit", limit)
                .query((rs, n) -> new Claimed(
                        rs.getLong("id"),
                        rs.getString("message_key"),
                        rs.getString("recipient"),
                        rs.getString("subject"),
                        rs.getString("body_text"),
                        rs.getString("body_html"),
                        rs.getInt("attempts"),
                        rs.getInt("send_round")))
                .list();
    }

    /**
     * Only the claim that is still current may mark (a re-claim after a lease counted another attempt).
     * Emails that carry a one-time link (verification, password reset) lose their bodies once sent:
     * the link would otherwise sit readable in the table until it expires.
     */
    public boolean markSent(Claimed c, Instant now) {
        return jdbc.sql("""
                        update mail_outbox set status = 'SENT', sent_at = :now, last_error = null,
                            body_text = case when template in (:secret) then :removed else body_text end,
                            body_html = case when template in (:secret) then :removed else body_html end
                        where id = :id and status = 'PENDING' and attempts = :attempt and send_round = :round""")
                        .param("secret", ONE_TIME_LINK_TEMPLATES)
                        .param("removed", LINK_REMOVED)
                        .param("id", c.id())
                        .param("attempt", c.attempt())
                        .param("round", c.round())
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * Gives a claim that was not handed to SMTP back (the sender stops): due at {@code now}, its
     * attempt undone. Only while the claim still owns the message; false otherwise.
     */
    public boolean giveBack(Claimed c, Instant now) {
        return jdbc.sql("""
                        update mail_outbox set attempts = attempts - 1, next_attempt_at = :now
                        where id = :id and status = 'PENDING' and attempts = :attempt and send_round = :round""")
                        .param("id", c.id())
                        .param("attempt", c.attempt())
                        .param("round", c.round())
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * A claimed message as it stands now. {@code unwanted}: a generation email (ready, late or failed)
     * whose user has turned generation emails off since it was queued.
     */
    public record Standing(
            String status, int attempts, String lastError, boolean unwanted, Long userId, int round, Instant sendBy) {

        /** Whether {@code c}'s claim still owns the message: nothing has marked or claimed it since. */
        public boolean ownedBy(Claimed c) {
            return status.equals("PENDING") && attempts == c.attempt() && round == c.round();
        }
    }

    /**
     * The message as it stands now, read just before its claim hands it to SMTP (one read by key): a
     * claim that no longer {@linkplain Standing#ownedBy owns} it must not send the copy it read, as
     * the message may have been withdrawn meanwhile ({@link #eraseRecipient}). It also reads the
     * user's generation-emails setting as it is now: a generation email may have waited hours for its
     * retries (an SMTP outage) after the setting was checked when it was queued. Empty when there is
     * no such row.
     */
    public Optional<Standing> standing(long id) {
        return jdbc.sql("""
                        select o.status, o.attempts, o.last_error, o.user_id, o.send_round, o.send_by,
                               o.template in (:generation) and s.generation_emails is false as unwanted
                          from mail_outbox o left join notification_setting s on s.user_id = o.user_id
                         where o.id = :id""")
                .param("id", id)
                .param("generation", GENERATION_TEMPLATES)
                .query((rs, n) -> new Standing(
                        rs.getString("status"),
                        rs.getInt("attempts"),
                        rs.getString("last_error"),
                        rs.getBoolean("unwanted"),
                        rs.getObject("user_id", Long.class),
                        rs.getInt("send_round"),
                        instant(rs, "send_by")))
                .optional();
    }

    /**
     * Ends a generation email its user no longer wants ({@link Standing#unwanted}) unsent: {@code
     * FAILED} with the reason, kept for operators like any other. Only by the claim that owns it;
     * false when something else changed it first.
     */
    public boolean markUnwanted(Claimed c) {
        return jdbc.sql("""
                        update mail_outbox set status = 'FAILED', last_error = :reason
                        where id = :id and status = 'PENDING' and attempts = :attempt and send_round = :round""")
                        .param("reason", "not sent: the user turned generation emails off")
                        .param("id", c.id())
                        .param("attempt", c.attempt())
                        .param("round", c.round())
                        .update()
                == 1;
    }

    /**
     * Ends an email whose link expired at {@code sendBy} unsent: {@code FAILED}, saying so (an
     * operator's resend is refused too). Only by the claim that owns it; false when something else
     * changed it first.
     */
    public boolean markExpired(Claimed c, Instant sendBy) {
        return jdbc.sql("""
                        update mail_outbox set status = 'FAILED', last_error = :reason
                        where id = :id and status = 'PENDING' and attempts = :attempt and send_round = :round""")
                        .param("reason", expiredReason(sendBy))
                        .param("id", c.id())
                        .param("attempt", c.attempt())
                        .param("round", c.round())
                        .update()
                == 1;
    }

    /** What an email not sent because its link expired says, on /admin/mail and in the API. */
    static String expiredReason(Instant sendBy) {
        return "not sent: link expired at " + sendBy + " (the user must ask for a new one)";
    }

    static final int MAX_ERROR = 1000;

    /** What an email's bodies are replaced with once sent (one-time links) or its account deleted. */
    static final String LINK_REMOVED = "(removed once sent: this email carried a one-time link)";

    static final String ACCOUNT_REMOVED = "(removed: the account was deleted)";

    /**
     * A failed attempt: retried at {@code next}, or {@code FAILED} for good when {@code next} is null.
     * The error holds whatever the SMTP server replied: it is kept as {@link #storable} text, so no
     * reply can keep the attempt from being recorded (and the email from ever failing).
     */
    public boolean markAttemptFailed(Claimed c, String error, Instant next) {
        return jdbc.sql("""
                        update mail_outbox
                        set status = case when cast(:next as timestamptz) is null then 'FAILED' else 'PENDING' end,
                            next_attempt_at = coalesce(cast(:next as timestamptz), next_attempt_at),
                            last_error = :error
                        where id = :id and status = 'PENDING' and attempts = :attempt and send_round = :round""")
                        .param("id", c.id())
                        .param("attempt", c.attempt())
                        .param("round", c.round())
                        .param("next", ts(next))
                        .param("error", StorableText.of(error, MAX_ERROR))
                        .update()
                == 1;
    }

    /**
     * Erases a deleted account's address from its emails: the recipient becomes {@code placeholder},
     * the bodies (which may repeat the address) are removed, and what was still waiting is {@code
     * FAILED} unsent. A claim taken before this (its batch read the address and bodies then) sees the
     * change just before its send and does not send ({@link #standing}); a message already being
     * handed to SMTP cannot be marked sent afterwards (its claim looks for PENDING). Returns how many
     * rows changed; a repeat changes none.
     */
    public int eraseRecipient(long userId, String placeholder) {
        return jdbc.sql("""
                        update mail_outbox
                           set recipient = :placeholder, body_text = :removed, body_html = :removed,
                               last_error = case when status in ('PENDING', 'HELD') then :unsent else last_error end,
                               status = case when status in ('PENDING', 'HELD') then 'FAILED' else status end
                         where user_id = :user
                           and (recipient <> :placeholder or body_text is distinct from :removed
                                or body_html is distinct from :removed or status in ('PENDING', 'HELD'))""")
                .param("user", userId)
                .param("placeholder", placeholder)
                .param("removed", ACCOUNT_REMOVED)
                .param("unsent", "not sent: the account was deleted")
                .update();
    }
}
