package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;
import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.ledger.GivenBack;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import java.sql.Array;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Grants, ordinary ones and give-backs; their clawbacks are {@link ClawbackStore}'s. Runs inside the
 * caller's transaction.
 *
 * <p>Every change of an account here reads what it needs (the debt a grant pays, what a clawback can
 * take) under the account's row lock in a statement of its own, and changes the row in the next
 * statement by amounts computed from that read; {@link DebtWaiverStore} does the same. Locking the row
 * in a CTE of the changing statement ({@code with old as (select ... for no key update), upd as
 * (update credit_account a set x = a.x - least(old.y, :n) from old ...)}) fails under READ
 * COMMITTED when another transaction changes the row and commits while the CTE waits for the lock:
 * every part of one statement runs with the snapshot taken when the statement began. The lock,
 * after the wait, returns the newest version of the row (the one that commit wrote, which the
 * snapshot does not see). The UPDATE finds the row as the snapshot sees it and builds its new row
 * from that version's columns and the amount read under the lock, and PostgreSQL checks the CHECK
 * constraints on that candidate row before writing it; only the write would find the version
 * superseded and rebuild the row from the newest one (EvalPlanQual, where both sides agree). So a
 * candidate that mixes the two versions (a debt of 0 from the snapshot, 60 paid from the lock's
 * debt of 60) is refused (debt -60) and the statement fails, although the rebuilt row would have
 * been valid (without the CHECK the books come out right). In a statement of its own the lock
 * waits and returns the newest version, the next statement's snapshot, taken after it, sees that
 * version, and nobody can change the row while the lock is held. (Seen on PostgreSQL 18.1;
 * CrossPathRaceTest.)
 */
@Repository
public class GrantStore {

    private final JdbcClient jdbc;
    private final LedgerStore accounts;
    private final DebtAttribution debts;
    private final ClosedAccountGrants closed;

    public GrantStore(JdbcClient jdbc, LedgerStore accounts, DebtAttribution debts) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.debts = debts;
        this.closed = new ClosedAccountGrants(jdbc, debts);
    }

    public GrantResult grant(
            long userId,
            long amount,
            GrantSource source,
            String key,
            String reference,
            String reason,
            String actor,
            Instant now) {
        return grant(userId, amount, source, key, reference, reason, actor, Reversed.NOTHING, now)
                .grant();
    }

    /**
     * A grant that gives back what the clawbacks {@code reversed} took: the part of it that
     * an operator had waived of their debt (and no earlier give-back counted) is counted as given back
     * and moves nothing ({@code forgiven}), the rest is granted, paying those clawbacks' own debt
     * first ({@link DebtAttribution} says why this is exactly what the clawbacks took). What of those
     * clawbacks' debt was carried to a new account of the deleted owner's mailbox ({@link DebtCarry})
     * is given back there, under {@code key + ":carried:" + that account}.
     */
    public GivenBack giveBack(
            long userId,
            long amount,
            Reversed reversed,
            GrantSource source,
            String key,
            String reference,
            String reason,
            Instant now) {
        return grant(userId, amount, source, key, reference, reason, null, reversed, now);
    }

    private GivenBack grant(
            long userId,
            long amount,
            GrantSource source,
            String key,
            String reference,
            String reason,
            String actor,
            Reversed reversed,
            Instant now) {
        accounts.ensureAccount(userId);
        // A concurrent grant with the same key waits here for the first to finish, then sees it.
        Optional<Long> grantId = jdbc.sql("""
                        insert into credit_grant (grant_key, user_id, amount, source, reference, reason, actor,
                                                  reverses_grants, reverses_prefix, created_at)
                        values (:key, :user, :amount, :source, :reference, :reason, :actor,
                                cast(:reverses as text[]), :prefix, :now)
                        on conflict (grant_key) do nothing
                        returning id""")
                .param("key", key)
                .param("reverses", reversed.grantKeys().toArray(String[]::new))
                .param("prefix", reversed.clawbackKeyPrefix())
                .param("user", userId)
                .param("amount", amount)
                .param("source", source.name())
                .param("reference", reference)
                .param("reason", reason)
                .param("actor", actor)
                .param("now", ts(now))
                .query(Long.class)
                .optional();
        if (grantId.isEmpty()) {
            return existingGrant(key, userId, amount, reversed);
        }
        // Debt is paid first. The account row is locked by a statement of its own and changed by the
        // next, computed from that locked row (see the class comment: locked in a CTE of the changing
        // statement, a clawback committing meanwhile was seen by the lock and not by the snapshot, and
        // the candidate row's debt went negative). It must be NO KEY UPDATE, the lock the UPDATE takes
        // anyway: a plain FOR UPDATE conflicts with the KEY SHARE locks that foreign-key checks (grant
        // and hold inserts) take on the account, and two grants to one account then deadlock. A closed
        // account is not locked here: the grant is forfeited as it lands.
        Optional<Long> owed = jdbc.sql("select debt from credit_account where user_id = :user and closed_at is null"
                        + " for no key update")
                .param("user", userId)
                .query(Long.class)
                .optional();
        if (owed.isEmpty() && !reversed.isEmpty()) {
            // what of those clawbacks' debt was carried to new accounts of the mailbox (DebtCarry) is
            // given back there, once (the carried clawbacks record it), as a give-back of their own
            return closed.giveBack(
                    grantId.get(),
                    userId,
                    amount,
                    reversed,
                    source,
                    key,
                    reason,
                    now,
                    (to, carried) ->
                            giveBack(to, carried, reversed, source, key + ":carried:" + to, reference, reason, now));
        }
        if (owed.isEmpty()) {
            return new GivenBack(closed.forfeit(grantId.get(), userId, amount, source, key, reason, now), 0);
        }
        // What an operator forgave of the reversed clawbacks' debt comes back as nothing: the user had it free.
        long forgiven = debts.restoreWaived(userId, amount, reversed);
        long paid = Math.min(owed.get(), amount - forgiven);
        // the grant row records what it paid in the same statement (the invariant check compares it
        // with the entry)
        int entries = jdbc.sql("""
                        with upd as (
                            update credit_account set debt = debt - :paid, balance = balance + :credited
                             where user_id = :user
                            returning user_id),
                        recorded as (
                            update credit_grant g set paid_debt = :paid, forgiven = :forgiven
                              from upd where g.id = :grant and :paid + :forgiven > 0)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, source, reason, created_at)
                        select upd.user_id, 'GRANT', :amount, :credited, 0, -:paid, :key, :source, :reason, :now
                          from upd""")
                .param("grant", grantId.get())
                .param("user", userId)
                .param("paid", paid)
                .param("forgiven", forgiven)
                .param("credited", amount - forgiven - paid)
                .param("amount", amount)
                .param("key", key)
                .param("source", source.name())
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        expectOne(entries, "grant " + key + " to user " + userId);
        // which clawbacks' debt it paid: later waivers and give-backs act only on what is still owed
        debts.paid(userId, paid, reversed);
        return new GivenBack(new GrantResult.Granted(grantId.get(), userId, amount, paid), forgiven);
    }

    /**
     * The first outcome of a grant under {@code key}, when this request is the same: the same user and
     * amount, and the same clawbacks given back (an ordinary grant gives back none). Another request
     * under a used key is a caller's bug (two give-backs built the same key: the second would be lost
     * without anyone knowing), refused as a reused hold, clawback or waiver key is. A grant written
     * before the ledger kept what it gives back (null) is compared on user and amount only, as then.
     */
    private GivenBack existingGrant(String key, long userId, long amount, Reversed reversed) {
        return jdbc.sql("""
                        select id, user_id, amount, paid_debt, forgiven, reverses_grants, reverses_prefix
                          from credit_grant where grant_key = :key""")
                .param("key", key)
                .query((rs, n) -> {
                    if (rs.getLong("user_id") != userId || rs.getLong("amount") != amount) {
                        throw new IllegalArgumentException(
                                "grant key " + key + " was already used for a different user or amount");
                    }
                    Array grants = rs.getArray("reverses_grants");
                    if (grants != null) {
                        Reversed first =
                                new Reversed(List.of((String[]) grants.getArray()), rs.getString("reverses_prefix"));
                        if (!first.equals(reversed)) {
                            throw new IllegalArgumentException("grant key " + key + " was already used to give back "
                                    + first + ", not " + reversed);
                        }
                    }
                    return new GivenBack(
                            new GrantResult.AlreadyGranted(rs.getLong("id"), userId, amount, rs.getLong("paid_debt")),
                            rs.getLong("forgiven"));
                })
                .single();
    }
}
