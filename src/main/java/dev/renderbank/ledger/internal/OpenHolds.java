package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;

import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.HoldsSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Finding open holds without an index on their state (a partial index on {@code state = 'OPEN'}
 * would make every capture a non-HOT update, see migration V2026_11_30_9500). Holds are numbered in
 * insertion order ({@code seq}), and each complete sweep records a low-water mark: no hold numbered
 * below it is open, or ever will be. So the sweep, the summary and the due list only look above it:
 * the holds of the last minutes, not the whole history.
 *
 * <p>Numbers are taken when a reserve inserts its hold, not when it commits: a reserve inside a
 * longer transaction (a job's acceptance) can hold number 100 uncommitted while 101 commits, and a
 * mark moved to 101 then would hide hold 100 once it commits. So the mark never passes a number
 * that may still commit. Each sweep notes the highest number it sees ({@code seen_seq}) and the
 * next transaction id of its snapshot ({@code seen_xmax}): a hold numbered at or below {@code
 * seen_seq} was inserted by a transaction that had its id before that snapshot (a reserve has its
 * transaction id before it takes its number, see {@link HoldStore}), so once the oldest transaction
 * still running ({@code pg_snapshot_xmin}) is at or past {@code seen_xmax}, every such hold has
 * committed or never will, and a later sweep may move the mark up to {@code seen_seq + 1} (and no
 * further than the first of them still open). Until then the mark stays and the noted number waits
 * (a write transaction open for long, anywhere on the server, holds the mark where it is, as it
 * holds back vacuum; nothing is missed, the sweep reads more). So a hold whose reserve commits late
 * is above the mark when it commits, and the first sweep after its deadline expires it. The mark
 * lags a sweep behind: each sweep reads the holds of the interval before it again.
 *
 * <p>A full scan, which is always right, is done instead when the last full scan is {@link #TRUSTED}
 * old or older (a safety net: nothing is known to need it), when the mark is that old or written at a
 * time after now (a clock set back, as tests do), or beyond the table's numbers (a table emptied with
 * its numbering restarted).
 */
@Repository
public class OpenHolds {

    /** A mark this old or older, or one whose last full scan is, is not used: a full scan. */
    static final Duration TRUSTED = Duration.ofHours(1);

    private final JdbcClient jdbc;

    public OpenHolds(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** No hold numbered below this is open (0: not known). */
    public long low(Instant now) {
        return jdbc.sql("""
                        select case when s.swept_at > :now or s.swept_at <= :trusted
                                      or s.full_scan_at > :now or s.full_scan_at <= :trusted
                                      or s.low_seq > coalesce((select max(seq) from credit_hold), 0) + 1
                                    then 0 else s.low_seq end
                          from ledger_expiry_sweep s where s.id = 1""")
                .param("now", ts(now))
                .param("trusted", ts(now.minus(TRUSTED)))
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    /**
     * After a sweep at {@code now} that read every hold numbered from {@code low} on and left none of
     * them open and due: moves the mark, as far as is known final, to the first hold at or above
     * {@code low} that is still open, and notes what the next sweep may trust (the class comment says
     * how); records a full scan when the sweep looked at every hold ({@code low == 0}). After a full
     * scan it can go down, to a hold the old mark had passed (what the full scan is for).
     */
    public void swept(Instant now, long low) {
        jdbc.sql("""
                        with seen as (
                            select (select coalesce(max(seq), 0) from credit_hold) as seq,
                                   pg_snapshot_xmin(c.snapshot) as oldest_running,
                                   pg_snapshot_xmax(c.snapshot) as next_xid
                              from (select pg_current_snapshot() as snapshot) c),
                        prev as (select low_seq, seen_seq, seen_xmax from ledger_expiry_sweep where id = 1),
                        known as ( -- no hold numbered below "final" can still commit
                            select s.seq, s.next_xid, p.seen_xmax <= s.oldest_running as settled,
                                   case when p.seen_xmax <= s.oldest_running then p.seen_seq + 1
                                        else coalesce(p.low_seq, 0) end as final
                              from seen s left join prev p on true)
                        insert into ledger_expiry_sweep (id, low_seq, swept_at, full_scan_at, seen_seq, seen_xmax)
                        select 1, coalesce((select min(h.seq) from credit_hold h
                                             where h.seq >= :low and h.seq < k.final and h.state = 'OPEN'), k.final),
                               :now, :now,
                               -- a note waits until it is final: noted anew each sweep, transactions longer than
                               -- the interval, one after another, would keep every note from becoming final
                               case when k.settled is false then (select seen_seq from prev) else k.seq end,
                               case when k.settled is false then (select seen_xmax from prev) else k.next_xid end
                          from known k
                        on conflict (id) do update set low_seq = excluded.low_seq, swept_at = excluded.swept_at,
                               seen_seq = excluded.seen_seq, seen_xmax = excluded.seen_xmax,
                               full_scan_at = case when :low = 0 then excluded.full_scan_at
                                                   else ledger_expiry_sweep.full_scan_at end""").param("low", low).param("now", ts(now)).update();
    }

    /** An open hold past its deadline, as the sweep pages through them. */
    public record Due(long seq, String key, long userId) {}

    /**
     * Up to {@code limit} open holds due at {@code now} numbered from {@code fromSeq} on, in number
     * order: the sweep asks again from after the last one it got, so a hold it could not settle is
     * not read twice in a sweep.
     */
    public List<Due> due(Instant now, long fromSeq, int limit) {
        return jdbc.sql("""
                        select seq, hold_key, user_id from credit_hold
                         where seq >= :from and state = 'OPEN' and expires_at <= :now
                         order by seq limit :limit""")
                .param("from", fromSeq)
                .param("now", ts(now))
                .param("limit", limit)
                .query((rs, n) -> new Due(rs.getLong("seq"), rs.getString("hold_key"), rs.getLong("user_id")))
                .list();
    }

    /** Through the user's own HOLD entries (their index), so no index on the holds' user is needed. */
    public List<Hold> of(long userId, int limit) {
        return jdbc.sql("""
                        select h.hold_key, h.user_id, h.amount, h.state, h.reason, h.expires_at, h.created_at
                          from ledger_entry e join credit_hold h on h.hold_key = e.ref_key
                         where e.user_id = :user and e.kind = 'HOLD' and h.state = 'OPEN'
                         order by h.created_at, h.hold_key limit :limit""")
                .param("user", userId)
                .param("limit", limit)
                .query(Columns::hold)
                .list();
    }

    public HoldsSummary summary(Instant now) {
        return jdbc.sql("""
                        select count(*) as holds, coalesce(sum(amount), 0) as credits, count(distinct user_id) as users,
                               count(*) filter (where expires_at <= :now) as overdue
                          from credit_hold where seq >= :low and state = 'OPEN'""")
                .param("now", ts(now))
                .param("low", low(now))
                .query((rs, n) -> new HoldsSummary(
                        rs.getLong("holds"), rs.getLong("credits"), rs.getLong("users"), rs.getLong("overdue")))
                .single();
    }
}
