package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;
import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.ledger.ClawbackResult;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Clawbacks of grants (a refund, a dispute): what the available credits cover is taken, the rest
 * becomes debt. Runs inside the caller's transaction. The account row is locked by a statement of
 * its own and changed by the next, as in {@link GrantStore} (its class comment says why).
 */
@Repository
public class ClawbackStore {

    private final JdbcClient jdbc;

    public ClawbackStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public ClawbackResult clawback(String grantKey, long amount, String key, String reason, Instant now) {
        // Lock the grant first: clawbacks of one grant queue here, so the repeat check below and the
        // cap on what is left of the grant are both exact.
        record Grant(long id, long userId) {}
        Optional<Grant> grant = jdbc.sql("""
                        select id, user_id from credit_grant where grant_key = :grantKey for no key update""")
                .param("grantKey", grantKey)
                .query((rs, n) -> new Grant(rs.getLong("id"), rs.getLong("user_id")))
                .optional();
        if (grant.isEmpty()) {
            return new ClawbackResult.GrantNotFound(grantKey);
        }
        Grant g = grant.get();
        Optional<ClawbackResult> repeat = jdbc.sql("""
                        select grant_id, requested, applied, taken, debt_added
                          from credit_clawback where clawback_key = :key""")
                .param("key", key)
                .query((rs, n) -> {
                    if (rs.getLong("grant_id") != g.id() || rs.getLong("requested") != amount) {
                        throw new IllegalArgumentException(
                                "clawback key " + key + " was already used for a different grant or amount");
                    }
                    return (ClawbackResult) new ClawbackResult.ClawedBack(
                            rs.getLong("applied"), rs.getLong("taken"), rs.getLong("debt_added"), true);
                })
                .optional();
        if (repeat.isPresent()) {
            return repeat.get();
        }
        // One charge is clawed back at most once in total, whatever mix of refunds and disputes: the
        // statement caps what it applies at what is left of the grant (the row is locked above).
        long applied = jdbc.sql("""
                        with g as (select id, least(amount - clawed_back, :requested) as applied
                                     from credit_grant where id = :id)
                        update credit_grant c set clawed_back = c.clawed_back + g.applied
                          from g where c.id = g.id
                        returning g.applied""")
                .param("requested", amount)
                .param("id", g.id())
                .query(Long.class)
                .single();
        long taken = 0;
        if (applied > 0) { // a grant already clawed back in full: recorded below, no empty entry
            taken = takeFromBalance(g.userId(), applied, key, reason, now);
        }
        long debtAdded = applied - taken;
        jdbc.sql("""
                        insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,
                                                     debt_added, reason, created_at)
                        values (:key, :grant, :user, :requested, :applied, :taken, :debt, :reason, :now)""")
                .param("key", key)
                .param("grant", g.id())
                .param("user", g.userId())
                .param("requested", amount)
                .param("applied", applied)
                .param("taken", taken)
                .param("debt", debtAdded)
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        return new ClawbackResult.ClawedBack(applied, taken, debtAdded, false);
    }

    /**
     * Takes what the available credits cover; the rest becomes debt. Returns what was taken.
     *
     * <p>The account row is locked by a statement of its own and then changed by the next one, whose
     * snapshot sees the locked row (see the class comment). Locked in a CTE of the changing statement
     * (as before), with a job's release committing while the clawback waited for the row, the amount
     * taken was read under the lock (after the release: 100 available) and subtracted from the row as
     * the snapshot had it (before the release: 60 held), and the account's CHECK (held &lt;= balance)
     * refused that candidate row (CrossPathRaceTest).
     */
    private long takeFromBalance(long userId, long amount, String key, String reason, Instant now) {
        long available = jdbc.sql("select balance - held from credit_account where user_id = :user for no key update")
                .param("user", userId)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> new IllegalStateException("credit account vanished for user " + userId));
        long taken = Math.min(Math.max(available, 0), amount);
        int entries = jdbc.sql("""
                        with upd as (
                            update credit_account set balance = balance - :taken, debt = debt + :owed
                             where user_id = :user
                            returning user_id)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select upd.user_id, 'CLAWBACK', :amount, -:taken, 0, :owed, :key, :reason, :now
                          from upd""")
                .param("user", userId)
                .param("taken", taken)
                .param("owed", amount - taken)
                .param("amount", amount)
                .param("key", key)
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        expectOne(entries, "clawback " + key + " of user " + userId);
        return taken;
    }
}
