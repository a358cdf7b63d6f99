package dev.renderbank.platform;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The operator channel: every alert is logged at WARN and recorded in {@code operator_alert}; the
 * notify module forwards the records by email ({@link #claimUnsent}). A record, not an event, because
 * alerts are also raised outside any transaction and by the event machinery itself.
 */
@Service
public class OperatorAlerts {

    private static final Logger log = LoggerFactory.getLogger(OperatorAlerts.class);

    private final JdbcClient jdbc;
    private final Clock clock;

    OperatorAlerts(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The longest message kept; a longer one (it may quote an outside answer) is cut. */
    static final int MAX_MESSAGE = 4000;

    /** An alert of a listed kind: how production code raises one (see {@link AlertKind}). */
    public void raise(AlertKind kind, String message) {
        raise(kind.code(), message);
    }

    /** {@link #raiseOnce(String, String, String)} for a listed kind. */
    public boolean raiseOnce(AlertKind kind, String onceKey, String message) {
        return raiseOnce(kind.code(), onceKey, message);
    }

    /**
     * Raises {@code kind} once per spell of a lasting condition (SMTP down, the provider failing): the
     * first call of a spell, on any node, records it and returns true; later calls do nothing until
     * {@link #endSpell} ends the spell. The spell is the alert's {@code once_key} ({@code spell:<kind>}),
     * so the unique index decides between nodes.
     */
    public boolean raiseSpell(AlertKind kind, String message) {
        return raiseOnce(kind.code(), spellKey(kind), message);
    }

    /**
     * Ends the spell of {@code kind} if one is open: raises {@code ended} (the recovery) with {@code
     * message} and returns true, in one statement, so of several nodes (or runs) that see the condition
     * end only one says so. Returns false, raising nothing, when no spell is open. The spell's alert
     * keeps its record under a key of its own ({@code spell:<kind>:ended:<id>}).
     */
    public boolean endSpell(AlertKind kind, AlertKind ended, String raw) {
        String message = StorableText.of(raw, MAX_MESSAGE);
        boolean recorded = jdbc.sql("""
                        with spell as (
                            update operator_alert set once_key = once_key || ':ended:' || id
                             where once_key = :key returning id)
                        insert into operator_alert (kind, message, created_at)
                        select :kind, :message, :now from spell""")
                        .param("key", spellKey(kind))
                        .param("kind", ended.code())
                        .param("message", message)
                        .param("now", clock.instant().atOffset(java.time.ZoneOffset.UTC))
                        .update()
                == 1;
        if (recorded) {
            log.warn("OPERATOR ALERT [{}] {}", ended.code(), message);
        }
        return recorded;
    }

    private static String spellKey(AlertKind kind) {
        return "spell:" + kind.code();
    }

    /**
     * {@link #raiseSpell(AlertKind, String)} for one of several things that fail on their own (a
     * client's webhook endpoint): each {@code key} has spells of its own, so one thing failing on and
     * on raises one alert, and another thing failing meanwhile raises its own. The first call of the
     * key's spell records the alert and returns true; later ones do nothing until {@link
     * #endSpell(AlertKind, String)}.
     */
    public boolean raiseSpell(AlertKind kind, String key, String message) {
        return raiseOnce(kind.code(), spellKey(kind, key), message);
    }

    /**
     * Ends the spell of {@code kind} for {@code key} if one is open, raising nothing (the next failure
     * of that thing is a new spell, and alerts again); true when one was open. The spell's alert keeps
     * its record under a key of its own, as {@link #endSpell(AlertKind, AlertKind, String)} does.
     */
    public boolean endSpell(AlertKind kind, String key) {
        return jdbc.sql("update operator_alert set once_key = once_key || ':ended:' || id where once_key = :key")
                        .param("key", spellKey(kind, key))
                        .update()
                == 1;
    }

    private static String spellKey(AlertKind kind, String key) {
        return spellKey(kind) + ":" + key;
    }

    /**
     * Production code raises a listed {@link AlertKind}; this form is for tests, which raise kinds of
     * their own so that a shared table's other alerts do not count (a test keeps production code off it).
     * {@code kind} is a stable code (e.g. {@code provider.exhausted}); {@code message} is for humans,
     * kept as PostgreSQL text can store it ({@link StorableText}: a quoted NUL or a huge answer never
     * makes the alert, or the work that raised it, fail).
     */
    public void raise(String kind, String raw) {
        String message = StorableText.of(raw, MAX_MESSAGE);
        log.warn("OPERATOR ALERT [{}] {}", kind, message);
        jdbc.sql("insert into operator_alert (kind, message, created_at) values (:kind, :message, :now)")
                .param("kind", kind)
                .param("message", message)
                .param("now", clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .update();
    }

    /**
     * Raises an alert about a lasting condition once (this form for tests, as {@link #raise(String,
     * String)}; production code uses the {@link AlertKind} form): {@code onceKey} names the condition
     * (stable across starts and nodes, e.g. the kind and the ids it concerns). The first call records, logs and
     * (through the mail forwarder) emails it and returns true; later ones, on any node, do nothing and
     * return false (a unique index decides; a caller waits for a concurrent first call's transaction).
     */
    public boolean raiseOnce(String kind, String onceKey, String raw) {
        String message = StorableText.of(raw, MAX_MESSAGE);
        boolean raised = jdbc.sql("""
                        insert into operator_alert (kind, message, created_at, once_key)
                        values (:kind, :message, :now, :key)
                        on conflict (once_key) do nothing""")
                        .param("kind", kind)
                        .param("message", message)
                        .param("now", clock.instant().atOffset(java.time.ZoneOffset.UTC))
                        .param("key", onceKey)
                        .update()
                == 1;
        if (raised) {
            log.warn("OPERATOR ALERT [{}] {}", kind, message);
        }
        return raised;
    }

    public List<Alert> recent(int limit) {
        return jdbc.sql("select id, kind, message, created_at from operator_alert order by id desc limit :limit")
                .param("limit", limit)
                .query((rs, n) -> new Alert(
                        rs.getLong("id"),
                        rs.getString("kind"),
                        rs.getString("message"),
                        rs.getObject("created_at", java.time.OffsetDateTime.class)
                                .toInstant()))
                .list();
    }

    /**
     * Alerts newest first, for the operators' list: of {@code kind} only (null: every kind), with ids
     * below {@code beforeId} (null: from the newest). Uses {@code operator_alert_kind_idx} by kind.
     */
    public List<Alert> page(String kind, Long beforeId, int limit) {
        return jdbc.sql("""
                        select id, kind, message, created_at from operator_alert
                        where (cast(:kind as text) is null or kind = :kind) and id < :before
                        order by id desc limit :limit""")
                .param("kind", kind)
                .param("before", beforeId == null ? Long.MAX_VALUE : beforeId)
                .param("limit", limit)
                .query((rs, n) -> new Alert(
                        rs.getLong("id"),
                        rs.getString("kind"),
                        rs.getString("message"),
                        SqlTime.instant(rs, "created_at")))
                .list();
    }

    /**
     * Each kind raised, with how many times it was recorded and when last, the latest first. Every
     * {@link #raise} is its own row, so a repeated condition counts each time; a {@link #raiseOnce}
     * condition counts once.
     */
    public List<KindCount> kinds() {
        return jdbc.sql("""
                        select kind, count(*) as times, max(created_at) as latest from operator_alert
                        group by kind order by max(id) desc""")
                .query((rs, n) ->
                        new KindCount(rs.getString("kind"), rs.getLong("times"), SqlTime.instant(rs, "latest")))
                .list();
    }

    public record KindCount(String kind, long times, java.time.Instant latest) {}

    /**
     * Marks up to {@code limit} alerts not yet forwarded as forwarded and returns them, oldest first;
     * run it in the transaction that writes what they become, so a rollback forwards them again. Rows
     * another transaction is claiming are skipped, not waited for.
     */
    public List<Alert> claimUnsent(int limit) {
        return jdbc
                .sql("""
                        update operator_alert set sent_at = :now
                        where id in (select id from operator_alert where sent_at is null
                                     order by id limit :limit for update skip locked)
                        returning id, kind, message, created_at""")
                .param("now", clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .param("limit", limit)
                .query((rs, n) -> new Alert(
                        rs.getLong("id"),
                        rs.getString("kind"),
                        rs.getString("message"),
                        SqlTime.instant(rs, "created_at")))
                .list()
                .stream()
                .sorted(java.util.Comparator.comparingLong(Alert::id))
                .toList();
    }

    public record Alert(long id, String kind, String message, java.time.Instant createdAt) {}
}
