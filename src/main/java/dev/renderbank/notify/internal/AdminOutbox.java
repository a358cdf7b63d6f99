package dev.renderbank.notify.internal;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.notify.OutboxMail;
import dev.renderbank.notify.OutboxMessage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The operators' side of the {@code mail_outbox} table: its emails page by page, one whole, their
 * counts by status, and sending a failed or held one again. The sender's side is {@link Outbox}.
 */
@Repository
public class AdminOutbox {

    private static final String COLUMNS = "id, message_key, template, recipient, subject, status, attempts,"
            + " last_error, next_attempt_at, created_at, sent_at";

    private final JdbcClient jdbc;

    AdminOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Sends a {@code from} (FAILED or HELD) message again: PENDING, due now, attempts counted from 0
     * in a new send round (a claim of the earlier round owns nothing). Compare-and-set on the status
     * the caller read, and never for a message whose body was removed or whose link has expired: true for the one call that
     * moved it; false when it changed meanwhile (another resend, an account deletion).
     */
    public boolean resend(long id, String from, Instant now) {
        return jdbc.sql("""
                        update mail_outbox
                           set status = 'PENDING', attempts = 0, send_round = send_round + 1,
                               next_attempt_at = :now, queued_at = :now, last_error = null
                         where id = :id and status = :from and status in ('FAILED', 'HELD')
                           and body_text not in (:removed) and (send_by is null or send_by > :now)""")
                        .param("id", id)
                        .param("from", from)
                        .param("now", ts(now))
                        .param("removed", List.of(Outbox.LINK_REMOVED, Outbox.ACCOUNT_REMOVED))
                        .update()
                == 1;
    }

    /** When the message stops being worth sending (its link expires); empty when never, or no such message. */
    public Optional<Instant> sendBy(long id) {
        return jdbc.sql("select send_by from mail_outbox where id = :id and send_by is not null")
                .param("id", id)
                .query((rs, n) -> instant(rs, "send_by"))
                .optional();
    }

    /** Whether the message's body was removed (a one-time link once sent, a deleted account's email). */
    public Optional<Boolean> bodyRemoved(long id) {
        return jdbc.sql("select body_text in (:removed) from mail_outbox where id = :id")
                .param("id", id)
                .param("removed", List.of(Outbox.LINK_REMOVED, Outbox.ACCOUNT_REMOVED))
                .query(Boolean.class)
                .optional();
    }

    /** Newest first, ids below {@code before} (null: from the newest), of {@code status} only (null: all). */
    public List<OutboxMessage> page(String status, Long before, int limit) {
        return jdbc.sql("select " + COLUMNS + " from mail_outbox where id < :before"
                        + " and (cast(:status as text) is null or status = :status) order by id desc limit :limit")
                .param("before", before == null ? Long.MAX_VALUE : before)
                .param("status", status)
                .param("limit", limit)
                .query(AdminOutbox::map)
                .list();
    }

    public Optional<OutboxMessage> byKey(String key) {
        return jdbc.sql("select " + COLUMNS + " from mail_outbox where message_key = :key")
                .param("key", key)
                .query(AdminOutbox::map)
                .optional();
    }

    /**
     * One message with its bodies, by id, for operators: the one-time links of verification and
     * password-reset emails are hidden (the token replaced), sent or not. Read from the outbox they
     * would hand whoever holds an admin session or token every account whose reset they ask for; their
     * owners get them by email (in development the log shows them).
     */
    public Optional<OutboxMail> byId(long id) {
        return jdbc.sql("select " + COLUMNS + ", body_text, body_html from mail_outbox where id = :id")
                .param("id", id)
                .query((rs, n) -> {
                    OutboxMessage m = map(rs, n);
                    boolean secret = Outbox.ONE_TIME_LINK_TEMPLATES.contains(m.template());
                    return new OutboxMail(
                            m,
                            secret ? hideTokens(rs.getString("body_text")) : rs.getString("body_text"),
                            secret ? hideTokens(rs.getString("body_html")) : rs.getString("body_html"));
                })
                .optional();
    }

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("(token=)[^\\s\"'&<>]+");

    /** {@code token=<secret>} as {@code token=(hidden)}, wherever a link carries one. */
    static String hideTokens(String body) {
        return body == null ? null : TOKEN.matcher(body).replaceAll("$1(hidden)");
    }

    /** The stored bodies of one message: {@code [text, html]}. */
    public Optional<String[]> bodies(long id) {
        return jdbc.sql("select body_text, body_html from mail_outbox where id = :id")
                .param("id", id)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                .optional();
    }

    private static OutboxMessage map(ResultSet rs, int n) throws SQLException {
        return new OutboxMessage(
                rs.getLong("id"),
                rs.getString("message_key"),
                rs.getString("template"),
                rs.getString("recipient"),
                rs.getString("subject"),
                rs.getString("status"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                instant(rs, "next_attempt_at"),
                instant(rs, "created_at"),
                instant(rs, "sent_at"));
    }

    /** Messages by status (PENDING, SENT, FAILED, HELD), for the operators' dashboard. */
    public java.util.Map<String, Long> countByStatus() {
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String status : List.of("PENDING", "HELD", "FAILED", "SENT")) {
            counts.put(status, 0L);
        }
        jdbc.sql("select status, count(*) as n from mail_outbox group by status")
                .query((rs, n) -> counts.put(rs.getString("status"), rs.getLong("n")))
                .list();
        return counts;
    }
}
