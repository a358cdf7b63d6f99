package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;
import static dev.renderbank.platform.Rows.expectOne;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Moves what a deleted account still owes to a new account of the same mailbox. Each clawback of the
 * deleted account that still owes gets a twin on the new account ({@code carried_from}; same grant,
 * key {@code <its key>:carried:<new account>}, nothing taken, all of it debt) with a CLAWBACK entry
 * "debt carried from a deleted account"; the deleted account's debt goes by a waiver recorded by
 * {@code renderbank} ("debt carried to account N"), attributed to those clawbacks. So the debt is
 * on the books once, every account's debt is still what its clawbacks owe ({@link DebtAttribution}),
 * an operator waives the new account's like any other, and a won dispute of the purchase gives back
 * on the new account what was carried ({@link GrantStore#giveBack}) while the deleted account counts
 * it as waived. Runs inside the caller's transaction; the deleted account's row is locked (its own
 * statement, {@link GrantStore}'s class comment says why) before anything is read, then the new one's,
 * so two new accounts of one mailbox carry a debt once.
 */
@Repository
public class DebtCarry {

    /** The new account's entries say this. */
    public static final String CARRIED_IN = "debt carried from a deleted account";

    private final JdbcClient jdbc;
    private final LedgerStore accounts;
    private final DebtAttribution debts;

    public DebtCarry(JdbcClient jdbc, LedgerStore accounts, DebtAttribution debts) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.debts = debts;
    }

    /** Carries to {@code userId} the debt of each account of {@code deleted}; returns what was carried. */
    public long carry(long userId, List<Long> deleted, Instant now) {
        accounts.ensureAccount(userId);
        long carried = 0;
        for (long from : deleted) {
            carried += carryFrom(from, userId, now);
        }
        return carried;
    }

    private long carryFrom(long from, long to, Instant now) {
        Optional<Long> owed = jdbc.sql("select debt from credit_account where user_id = :user for no key update")
                .param("user", from)
                .query(Long.class)
                .optional();
        if (owed.isEmpty() || owed.get() == 0) {
            return 0;
        }
        List<Twin> twins = jdbc.sql("""
                        insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,
                                                     debt_added, reason, created_at, carried_from)
                        select c.clawback_key || ':carried:' || :to, c.grant_id, :to, c.open, c.open, 0, c.open,
                               :reason, :now, c.id
                          from (select id, clawback_key, grant_id, debt_added - debt_paid - debt_waived as open
                                  from credit_clawback
                                 where user_id = :from and debt_added > debt_paid + debt_waived) c
                        returning clawback_key, carried_from""")
                .param("from", from)
                .param("to", to)
                .param("reason", CARRIED_IN)
                .param("now", ts(now))
                .query((rs, n) -> new Twin(rs.getString(1), rs.getLong(2)))
                .list();
        List<String> keys = twins.stream().map(Twin::key).toList();
        long debt = owed.get();
        // One waiver per carry: a refund or dispute landing on the deleted account after a carry is
        // carried again, and each of its clawbacks owes nothing once carried (the waiver below is
        // attributed to all that owed), so the oldest one carried names this carry alone.
        String waiverKey = "carried:" + from + ":" + to + ":"
                + twins.stream().mapToLong(Twin::from).min().orElse(0);
        String outReason = "debt carried to account " + to + ", a new account of the same mailbox";
        int out = jdbc.sql("""
                        with w as (
                            insert into debt_waiver (waiver_key, user_id, requested, waived, actor, reason, created_at)
                            values (:key, :from, :debt, :debt, 'renderbank', :reason, :now)
                            returning user_id),
                        upd as (
                            update credit_account a set debt = a.debt - :debt from w
                             where a.user_id = w.user_id and a.debt = :debt
                            returning a.user_id)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select upd.user_id, 'DEBT_WAIVED', :debt, 0, 0, -:debt, :key, :reason, :now from upd""")
                .param("key", waiverKey)
                .param("from", from)
                .param("debt", debt)
                .param("reason", outReason)
                .param("now", ts(now))
                .update();
        expectOne(out, "debt carried out of account " + from);
        if (debts.waived(from, debt) != debt) {
            throw new IllegalStateException("account " + from + " owes " + debt + " that its clawbacks do not");
        }
        jdbc.sql("select 1 from credit_account where user_id = :user for no key update")
                .param("user", to)
                .query(Integer.class)
                .single();
        int in = jdbc.sql("""
                        with upd as (
                            update credit_account set debt = debt + :debt where user_id = :to
                            returning user_id)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select upd.user_id, 'CLAWBACK', c.applied, 0, 0, c.applied, c.clawback_key, :reason, :now
                          from upd join credit_clawback c on c.user_id = upd.user_id and c.clawback_key in (:keys)""")
                .param("to", to)
                .param("debt", debt)
                .param("keys", keys)
                .param("reason", CARRIED_IN)
                .param("now", ts(now))
                .update();
        if (in != keys.size()) {
            throw new IllegalStateException(
                    "debt carried into account " + to + ": " + in + " entries for " + keys.size() + " clawbacks");
        }
        return debt;
    }

    /** A carried clawback: its key and the id of the clawback it was carried from. */
    private record Twin(String key, long from) {}
}
