package dev.renderbank.ledger.internal;

import java.util.List;
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
     * clawbacks: what was forgiven of another clawback of the same grant stays forgiven.
     */
    long restoreWaived(long userId, long amount, Reversed reversed) {
        if (amount <= 0 || reversed.isEmpty()) {
            return 0;
        }
        return sum(jdbc.sql("""
                        with open as (
                            select c.id, c.debt_waived - c.waiver_restored as open,
                                   sum(c.debt_waived - c.waiver_restored) over (order by c.id) as upto
                              from credit_clawback c
                             where c.user_id = :user and c.debt_waived > c.waiver_restored
                               and %s)
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
     * The accounts, other than {@code userId}, holding clawbacks carried ({@link DebtCarry}) from the
     * clawbacks {@code reversed}, with what of them was not given back yet, marked given back now: a
     * give-back of the originals reverses them too, once.
     */
    java.util.Map<Long, Long> takeCarried(long userId, Reversed reversed) {
        if (reversed.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<Long, Long> out = new java.util.TreeMap<>();
        jdbc.sql("""
                        with due as (
                            select c.id, c.user_id, c.applied - c.carried_back as due from credit_clawback c
                             where c.user_id <> :user and c.carried_from is not null and c.applied > c.carried_back
                               and %s
                             for update)
                        update credit_clawback c set carried_back = c.applied
                          from due where c.id = due.id
                        returning due.user_id, due.due""".formatted(IS_REVERSED))
                .param("user", userId)
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
