package dev.renderbank.ledger.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Which clawback each credit of a user's debt belongs to. Debt only ever comes from a clawback (its
 * {@code debt_added}: what the available credits could not cover); it goes by a grant paying it
 * ({@code debt_paid}) or an operator waiving it ({@code debt_waived}), and each reduction is
 * attributed to the oldest clawbacks that still owe, except that a give-back pays the debt of the
 * clawbacks it reverses first. So at any moment the account's debt is the sum of what its clawbacks
 * still owe (the invariant check compares them).
 *
 * <p>The rule a give-back follows with it ({@link GrantStore#giveBack}): reversing a clawback restores
 * what the clawback took from the user, and nothing more. Of a clawback's {@code applied}, {@code
 * taken} came out of the balance, {@code debt_paid} was paid by later grants, {@code debt_waived} was
 * forgiven by an operator and never paid, and the rest is still owed. A give-back of {@code r} first
 * counts the waived part not counted yet ({@code debt_waived - waiver_restored}) as given back
 * already, since the user had it free, and records that in {@code waiver_restored} (under the account
 * lock), so a second or concurrent give-back cannot count it again; only the rest of {@code r} is
 * granted: it cancels the reversed clawbacks' own debt still owed, then pays any other debt (oldest
 * first), and what is left is credited. Why the waived part first: take one clawback of {@code a}
 * that took {@code t} from the balance, then {@code p} of its debt paid and the remaining {@code w =
 * a - t - p} waived (an operator waives all that is owed). Had the clawback been {@code a - r} from
 * the start, the user would have lost {@code min(t, a - r)} from the balance, paid what that smaller
 * debt left of {@code p}, and the waiver would have forgiven the rest; the user would be {@code
 * max(0, r - w)} credits better off, and that is what this rule gives back (nothing while {@code r <=
 * w}). So a full reversal ({@code r = a}) ends as if neither the clawback nor the waiver had been,
 * in whatever steps it comes, and a waiver never turns into credits. Attributing payments and waivers
 * to clawbacks (oldest first) is what makes this hold for several clawbacks: a waiver forgives
 * particular clawbacks' debt, so forgiveness of a clawback that stands stays forgiven when another is
 * reversed, and a give-back cancelling its own clawback's debt first keeps a later waiver from being
 * charged to a clawback already reversed. The clawbacks a give-back reverses are named by their grants
 * and the start of their keys ({@link Reversed}: a won dispute's {@code <provider>:dispute:<id>:}, a
 * failed refund's {@code <provider>:refund:}), never by grant alone: a refund and a dispute of one
 * purchase are clawbacks of the same grant, and reversing one must not count the other's waiver.
 *
 * <p>Runs inside the caller's transaction, after the caller locked the user's account row (every
 * change here is made under that lock, so each statement's snapshot, taken after the lock was
 * granted, sees every earlier change and nobody else changes these rows meanwhile; see {@link
 * GrantStore}'s class comment).
 */
@Repository
public class DebtAttribution {

    /** Clawback {@code c} is one of those reversed ({@code :reversed} grant keys, {@code :prefix}). */
    private static final String IS_REVERSED =
            "(c.grant_id in (select id from credit_grant where grant_key in (:reversed))"
                    + " and left(c.clawback_key, length(:prefix)) = :prefix)";

    private final JdbcClient jdbc;

    public DebtAttribution(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Attributes {@code amount} of debt a grant paid: the owing clawbacks of {@code reversed} (the
     * clawbacks the grant gives back; nothing for an ordinary grant) first, then the user's oldest.
     * Returns what was attributed.
     */
    long paid(long userId, long amount, Reversed reversed) {
        return reduce(userId, amount, "debt_paid", reversed);
    }

    /** Attributes {@code amount} of debt an operator waived to the user's oldest owing clawbacks. */
    long waived(long userId, long amount) {
        return reduce(userId, amount, "debt_waived", Reversed.NOTHING);
    }

    /**
     * Counts up to {@code amount} of what operators waived of the clawbacks {@code reversed} (and was
     * not counted before) as given back now, oldest first. Returns what was counted. Only those
     * clawbacks: what was forgiven of another clawback of the same grant stays forgiven. What a
     * clawback's waiver carried to a new account of the mailbox ({@link DebtCarry}) was not forgiven
     * but moved: it is not counted here ({@link #giveBackCarried} gives it back where it went), nor
     * what of it was given back there (also in {@code waiver_restored}).
     */
    long restoreWaived(long userId, long amount, Reversed reversed) {
        if (amount <= 0 || reversed.isEmpty()) {
            return 0;
        }
        return sum(jdbc.sql("""
                        with waived as (
                            select c.id, c.debt_waived - coalesce(t.carried, 0)
                                         - (c.waiver_restored - coalesce(t.back, 0)) as open
                              from credit_clawback c
                              left join lateral (select sum(t.applied) as carried, sum(t.carried_back) as back
                                                   from credit_clawback t where t.carried_from = c.id) t on true
                             where c.user_id = :user and c.debt_waived > c.waiver_restored and %s),
                        open as (
                            select id, open, sum(open) over (order by id) as upto from waived where open > 0)
                        update credit_clawback c
                           set waiver_restored = c.waiver_restored + least(o.open, :amount - (o.upto - o.open))
                          from open o
                         where c.id = o.id and o.upto - o.open < :amount
                        returning least(o.open, :amount - (o.upto - o.open))""".formatted(IS_REVERSED))
                .param("user", userId)
                .param("amount", amount)
                .param("reversed", reversed.grantKeys())
                .param("prefix", reversed.clawbackKeyPrefix())
                .query(Long.class)
                .list());
    }

    /** What the clawbacks {@code reversed} of the user still owe. */
    long owedBy(long userId, Reversed reversed) {
        if (reversed.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                        select coalesce(sum(c.debt_added - c.debt_paid - c.debt_waived), 0) from credit_clawback c
                         where c.user_id = :user and c.debt_added > c.debt_paid + c.debt_waived and %s""".formatted(IS_REVERSED))
                .param("user", userId)
                .param("reversed", reversed.grantKeys())
                .param("prefix", reversed.clawbackKeyPrefix())
                .query(Long.class)
                .single();
    }

    /**
     * Gives back up to {@code amount} of what the clawbacks {@code reversed} of the deleted account
     * {@code userId} carried to new accounts of the mailbox ({@link DebtCarry}) and was not given back
     * yet, oldest first: each carried clawback records it ({@code carried_back}), and so does the one it
     * was carried from ({@code waiver_restored}: the carry's waiver, counted as given back by the
     * deleted account's grant). Returns, per new account, what is to be given back there, where the
     * same rule applies again (what an operator waived of it there comes back as nothing). The new
     * accounts' rows are locked first, in order, after the deleted account's (the order {@link
     * DebtCarry} takes them): their carried clawbacks change under their account's lock, as every
     * change of a clawback does (a grant or waiver on the new account locks its row, then its
     * clawbacks).
     */
    Map<Long, Long> giveBackCarried(long userId, long amount, Reversed reversed) {
        if (amount <= 0 || reversed.isEmpty()) {
            return Map.of();
        }
        String carried = """
                select t.id, t.user_id, t.carried_from, t.applied - t.carried_back as due
                  from credit_clawback c join credit_clawback t on t.carried_from = c.id
                 where c.user_id = :user and t.applied > t.carried_back and %s""".formatted(IS_REVERSED);
        List<Long> accounts = jdbc.sql("select distinct user_id from (" + carried + ") d order by user_id")
                .param("user", userId)
                .param("reversed", reversed.grantKeys())
                .param("prefix", reversed.clawbackKeyPrefix())
                .query(Long.class)
                .list();
        for (long account : accounts) {
            jdbc.sql("select 1 from credit_account where user_id = :user for no key update")
                    .param("user", account)
                    .query(Integer.class)
                    .single();
        }
        Map<Long, Long> out = new TreeMap<>();
        jdbc.sql("""
                        with due as (select d.*, sum(d.due) over (order by d.id) as upto from (%s) d),
                        moved as (
                            update credit_clawback t set carried_back = t.carried_back + least(d.due, :amount - (d.upto - d.due))
                              from due d
                             where t.id = d.id and d.upto - d.due < :amount
                            returning d.user_id, d.carried_from, least(d.due, :amount - (d.upto - d.due)) as given),
                        restored as (
                            update credit_clawback c set waiver_restored = c.waiver_restored + m.given
                              from moved m where c.id = m.carried_from)
                        select user_id, given from moved""".formatted(carried))
                .param("user", userId)
                .param("amount", amount)
                .param("reversed", reversed.grantKeys())
                .param("prefix", reversed.clawbackKeyPrefix())
                .query((rs, n) -> out.merge(rs.getLong(1), rs.getLong(2), Long::sum))
                .list();
        return out;
    }

    private long reduce(long userId, long amount, String column, Reversed reversed) {
        if (amount <= 0) {
            return 0;
        }
        // the reversed grants' clawbacks first (true sorts after false, hence desc), then the oldest
        String first = reversed.isEmpty() ? "false" : IS_REVERSED;
        var sql = jdbc.sql("""
                        with owed as (
                            select c.id, c.debt_added - c.debt_paid - c.debt_waived as open,
                                   sum(c.debt_added - c.debt_paid - c.debt_waived)
                                       over (order by (%1$s) desc, c.id) as upto
                              from credit_clawback c
                             where c.user_id = :user and c.debt_added > c.debt_paid + c.debt_waived)
                        update credit_clawback c
                           set %2$s = c.%2$s + least(o.open, :amount - (o.upto - o.open))
                          from owed o
                         where c.id = o.id and o.upto - o.open < :amount
                        returning least(o.open, :amount - (o.upto - o.open))""".formatted(first, column)).param("user", userId).param("amount", amount);
        if (!reversed.isEmpty()) {
            sql = sql.param("reversed", reversed.grantKeys()).param("prefix", reversed.clawbackKeyPrefix());
        }
        return sum(sql.query(Long.class).list());
    }

    private static long sum(List<Long> parts) {
        return parts.stream().mapToLong(Long::longValue).sum();
    }
}
