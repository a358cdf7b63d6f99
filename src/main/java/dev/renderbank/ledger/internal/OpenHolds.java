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
 * insertion order ({@code seq}), and each complete sweep records a low-water mark: the first hold
 * still open, or one created in the last {@link #MARGIN} (a reserve that had taken its number but
 * not committed yet must not be passed over). Every hold below the mark is settled (but for the rare
 * late commit the full scan below catches), so the sweep, the summary and the due list only look
 * above it: the holds of the last minutes, not the whole history. A full scan, which is always
 * right, is done instead when the last full scan is {@link #TRUSTED} old or older (so a reserve
 * whose transaction stayed open past the margin and committed below the mark is expired at most that
 * late, never left open), when the mark is that old or written at a time after now (a
 * clock set back, as tests do), or beyond the table's numbers (a table emptied with its numbering
 * restarted).
 */
@Repository
public class OpenHolds {

    /** Holds created this recently stay above the mark even when settled. */
    static final Duration MARGIN = Duration.ofMinutes(2);

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
     * After a sweep at {@code now} that left no open hold due: sets the mark to the first hold at or
     * above {@code low} that is still open or was created in the last {@link #MARGIN} (past the last
     * hold when there is none), and records a full scan when the sweep looked at every hold ({@code
     * low == 0}). After a sweep above a mark it never goes below that mark; after a full scan it can
     * go down, to a hold whose reserve committed below the old mark (what the full scan is for).
     */
    public void swept(Instant now, long low) {
        jdbc.sql("""
                        insert into ledger_expiry_sweep (id, low_seq, swept_at, full_scan_at)
                        select 1, coalesce(
                                   (select min(seq) from credit_hold
                                     where seq >= :low and (state = 'OPEN' or created_at > :recent)),
                                   (select coalesce(max(seq), 0) + 1 from credit_hold)), :now, :now
                        on conflict (id) do update set low_seq = excluded.low_seq, swept_at = excluded.swept_at,
                               full_scan_at = case when :low = 0 then excluded.full_scan_at
                                                   else ledger_expiry_sweep.full_scan_at end""")
                .param("low", low)
                .param("recent", ts(now.minus(MARGIN)))
                .param("now", ts(now))
                .update();
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
