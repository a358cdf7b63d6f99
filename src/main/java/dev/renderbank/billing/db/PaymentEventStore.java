package dev.renderbank.billing.db;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.billing.PaymentEvent;
import dev.renderbank.platform.StorableText;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The webhook inbox: unique per (provider, event id), raw payload kept, outcome recorded on the row. */
@Repository
public class PaymentEventStore {

    /** Retry delays after the 1st, 2nd, … failure; the last one repeats for ever (never dropped). */
    public static final List<Duration> BACKOFF = List.of(
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(15),
            Duration.ofHours(1),
            Duration.ofHours(6));

    /**
     * Attempts after which an event whose failure is {@code bounded} is no longer retried: the first
     * and one after each backoff step (about 8 hours), far beyond the providers' own redelivery of the
     * event it waits for (Creem: 30 s, 1 min, 5 min, 1 h).
     */
    public static final int BOUNDED_ATTEMPTS = BACKOFF.size() + 1;

    /** A received event not processed by then (node died mid-way) is picked up by the sweeper. */
    static final Duration RECEIVED_GRACE = Duration.ofMinutes(1);

    public record Stored(long id, String provider, String eventId, String type, String payload, int attempts) {}

    private final JdbcClient jdbc;

    PaymentEventStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the event unless already stored; returns its row id either way. */
    public long store(String provider, String eventId, String type, String payload, Instant now) {
        Optional<Long> id = jdbc.sql("""
                        insert into payment_event (provider, event_id, event_type, payload, status, next_attempt_at,
                                                   received_at)
                        values (:provider, :eventId, :type, :payload, 'RECEIVED', :next, :now)
                        on conflict (provider, event_id) do nothing
                        returning id""")
                .param("provider", provider)
                .param("eventId", eventId)
                .param("type", type)
                .param("payload", payload)
                .param("next", ts(now.plus(RECEIVED_GRACE)))
                .param("now", ts(now))
                .query(Long.class)
                .optional();
        return id.orElseGet(() -> jdbc.sql("select id from payment_event where provider = :provider and event_id = :id")
                .param("provider", provider)
                .param("id", eventId)
                .query(Long.class)
                .single());
    }

    /**
     * The unfinished event as stored, read without a lock (before its transaction opens); empty if
     * finished or absent.
     */
    public Optional<Stored> unfinished(long id) {
        return readUnfinished(id, "");
    }

    /** Locks an unfinished event for this transaction; empty if finished or another node holds it. */
    public Optional<Stored> lockUnfinished(long id) {
        return readUnfinished(id, "for update skip locked");
    }

    /**
     * Locks an unfinished event for this transaction, waiting for a transaction that holds it (an
     * operator's reprocess: it then sees what that one did); empty if finished.
     */
    public Optional<Stored> lockUnfinishedWaiting(long id) {
        return readUnfinished(id, "for update");
    }

    private Optional<Stored> readUnfinished(long id, String lockClause) {
        return jdbc.sql("""
                        select id, provider, event_id, event_type, payload, attempts from payment_event
                         where id = :id and status in ('RECEIVED', 'FAILED')
                        """ + lockClause)
                .param("id", id)
                .query((rs, n) -> new Stored(
                        rs.getLong("id"),
                        rs.getString("provider"),
                        rs.getString("event_id"),
                        rs.getString("event_type"),
                        rs.getString("payload"),
                        rs.getInt("attempts")))
                .optional();
    }

    /** The event as operators see it, locked until the transaction ends (waiting for one that holds it). */
    public Optional<PaymentEvent> lock(long id) {
        return jdbc.sql("""
                        select id, provider, event_id, event_type, status, attempts, last_error, next_attempt_at,
                               received_at, processed_at
                          from payment_event where id = :id for update""").param("id", id).query(PaymentEventStore::map).optional();
    }

    public void finish(long id, String status, String note, Instant now) {
        int rows = jdbc.sql("""
                        update payment_event set status = :status, last_error = :note, processed_at = :now,
                                                 attempts = attempts + 1, next_attempt_at = null
                         where id = :id and status in ('RECEIVED', 'FAILED')""")
                .param("status", status)
                .param("note", storable(note))
                .param("now", ts(now))
                .param("id", id)
                .update();
        if (rows != 1) {
            throw new IllegalStateException("payment event " + id + " was finished concurrently");
        }
    }

    /** A failed attempt as recorded: its number, and the event as its provider names it (for operators). */
    public record Failed(int attempts, String provider, String eventId, String type) {}

    /**
     * Records a failed attempt and when to try again; empty if nothing was recorded: the event was
     * finished meanwhile (an operator's reprocess that held the row while this waited for it committed
     * PROCESSED), or another attempt was recorded first. A {@code bounded} failure that reaches {@link
     * #BOUNDED_ATTEMPTS} is recorded with no next attempt: it stays FAILED (an operator's reprocess
     * still runs it) and the retry sweep no longer picks it.
     */
    public Optional<Failed> fail(long id, String error, Instant now, boolean bounded) {
        Optional<Failed> recorded = jdbc.sql("""
                        select attempts, provider, event_id, event_type from payment_event
                         where id = :id and status in ('RECEIVED', 'FAILED')""")
                .param("id", id)
                .query((rs, n) -> new Failed(
                        rs.getInt("attempts"),
                        rs.getString("provider"),
                        rs.getString("event_id"),
                        rs.getString("event_type")))
                .optional();
        if (recorded.isEmpty()) {
            return Optional.empty(); // finished meanwhile by another node: nothing to record
        }
        int attempts = recorded.get().attempts();
        Duration delay = BACKOFF.get(Math.min(attempts, BACKOFF.size() - 1));
        boolean last = bounded && attempts + 1 >= BOUNDED_ATTEMPTS;
        int rows = jdbc.sql("""
                        update payment_event set status = 'FAILED', attempts = attempts + 1, last_error = :error,
                                                 next_attempt_at = :next
                         where id = :id and status in ('RECEIVED', 'FAILED') and attempts = :attempts""")
                .param("error", storable(error))
                .param("next", last ? null : ts(now.plus(delay)))
                .param("id", id)
                .param("attempts", attempts)
                .update();
        Failed was = recorded.get();
        return rows == 1
                ? Optional.of(new Failed(attempts + 1, was.provider(), was.eventId(), was.type()))
                : Optional.empty();
    }

    /** The longest note or error kept for an event. */
    static final int MAX_TEXT = 2000;

    /**
     * Makes due now the parked events of {@code provider} (FAILED with no next attempt, see {@link
     * #fail(long, String, Instant, boolean)}) whose payload names one of {@code refs} as a JSON
     * string: a refund or dispute that waited for its order gave up before the order's purchase was
     * recorded, and is tried again now that it is. The count of events made due.
     *
     * <p>It runs in the transaction that records the purchase, which holds the purchase's rows by
     * then, so it never waits for an event's row: one that another transaction holds is skipped. That
     * holder is an attempt at the event (an operator's reprocess of a parked one): it takes its event's row
     * first and the purchase's rows after, and waiting for it here deadlocked (an operator's reprocess
     * of a parked checkout event and the reconciliation repair of the same purchase at once:
     * PostgreSQL aborted one). The attempt either finishes the event, seeing the purchase once this
     * transaction commits, or parks it again under its lock, and then the wake after the commit
     * ({@code WaitingEvents}, which waits for the row holding nothing else) makes it due.
     */
    public int wakeParked(String provider, List<String> refs, Instant now) {
        String[] quoted = quoted(refs);
        if (quoted.length == 0) {
            return 0;
        }
        return jdbc.sql("""
                        update payment_event set next_attempt_at = :now
                         where id in (select id from payment_event
                                       where provider = :provider and status = 'FAILED' and next_attempt_at is null
                        """ + " and " + NAMES_ONE + " for update skip locked)")
                .param("now", ts(now))
                .param("provider", provider)
                .param("quoted", quoted)
                .update();
    }

    /** The unfinished events of {@code provider} whose payload names one of {@code refs} as a JSON string. */
    public List<Long> unfinishedNaming(String provider, List<String> refs) {
        String[] quoted = quoted(refs);
        if (quoted.length == 0) {
            return List.of();
        }
        return jdbc.sql("""
                        select id from payment_event
                         where provider = :provider and status in ('RECEIVED', 'FAILED')
                        """ + " and " + NAMES_ONE + " order by id")
                .param("provider", provider)
                .param("quoted", quoted)
                .query(Long.class)
                .list();
    }

    /** The payload names one of {@code :quoted} (JSON strings, quotes included). */
    private static final String NAMES_ONE =
            "exists (select 1 from unnest(cast(:quoted as text[])) q where strpos(payload, q) > 0)";

    /** {@code refs} as the JSON strings a payload names them by, blank ones left out. */
    private static String[] quoted(List<String> refs) {
        return refs.stream()
                .filter(r -> r != null && !r.isBlank())
                .map(r -> '"' + r + '"')
                .toArray(String[]::new);
    }

    /**
     * Makes the event due now if it is unfinished, waiting for a transaction that holds it; false if
     * it was finished meanwhile.
     */
    public boolean makeDue(long id, Instant now) {
        return jdbc.sql("""
                                update payment_event set next_attempt_at = :now
                                 where id = :id and status in ('RECEIVED', 'FAILED')""").param("now", ts(now)).param("id", id).update() == 1;
    }

    /**
     * A note or error as it can be stored: it may quote the provider's payload, whose JSON can carry a
     * NUL character (or a lone surrogate) that PostgreSQL's text refuses; {@link StorableText} writes
     * U+FFFD instead, so the event's outcome (and the operators' alert about it) is still recorded.
     */
    public static String storable(String text) {
        return StorableText.of(text, MAX_TEXT);
    }

    public List<Long> due(Instant now, int limit) {
        return jdbc.sql("""
                        select id from payment_event where status in ('RECEIVED', 'FAILED') and next_attempt_at <= :now
                         order by next_attempt_at limit :limit""")
                .param("now", ts(now))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    public List<PaymentEvent> list(String status, long beforeId, int limit) {
        return jdbc.sql("""
                        select id, provider, event_id, event_type, status, attempts, last_error, next_attempt_at,
                               received_at, processed_at
                          from payment_event where (:status::text is null or status = :status) and id < :before
                         order by id desc limit :limit""")
                .param("status", status)
                .param("before", beforeId)
                .param("limit", limit)
                .query(PaymentEventStore::map)
                .list();
    }

    public Optional<String> payload(long id) {
        return jdbc.sql("select payload from payment_event where id = :id")
                .param("id", id)
                .query(String.class)
                .optional();
    }

    private static PaymentEvent map(ResultSet rs, int n) throws SQLException {
        return new PaymentEvent(
                rs.getLong("id"),
                rs.getString("provider"),
                rs.getString("event_id"),
                rs.getString("event_type"),
                rs.getString("status"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                instant(rs, "next_attempt_at"),
                instant(rs, "received_at"),
                instant(rs, "processed_at"));
    }
}
