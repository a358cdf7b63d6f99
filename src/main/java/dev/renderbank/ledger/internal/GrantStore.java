package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;
import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.ledger.ClawbackResult;
import dev.renderbank.ledger.GivenBack;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Grants and their clawbacks. Runs inside the caller's transaction.
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

    public GrantStore(JdbcClient jdbc, LedgerStore accounts, DebtAttribution debts) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.debts = debts;
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
     * first ({@link DebtAttribution} says why this is exactly what the clawbacks took).
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
                        insert into credit_grant (grant_key, user_id, amount, source, reference, reason, actor, created_at)
                        values (:key, :user, :amount, :source, :reference, :reason, :actor, :now)
                        on conflict (grant_key) do nothing
                        returning id""")
                .param("key", key)
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
            return existingGrant(key, userId, amount);
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
        if (owed.isEmpty()) {
            return new GivenBack(forfeitOnClosed(grantId.get(), userId, amount, source, key, reason, now), 0);
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
     * A grant to a closed account (deleted by its owner, its credits forfeited): the GRANT entry and a
     * FORFEIT entry of the same amount, so the grant is on the books and the balance stays as it was;
     * debt is never collected from a deleted account, so none is paid.
     */
    private GrantResult forfeitOnClosed(
            long grantId, long userId, long amount, GrantSource source, String key, String reason, Instant now) {
        int entries = jdbc.sql("""
                        with closed as (select user_id from credit_account
                                         where user_id = :user and closed_at is not null for no key update)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, source, reason, created_at)
                        select :user, v.kind, :amount, v.delta, 0, 0, :key, v.source, v.reason, :now
                          from closed,
                               (values (1, 'GRANT', :amount, :source, :reason),
                                       (2, 'FORFEIT', -:amount, null, 'account deleted: ' || :reason))
                                 as v (n, kind, delta, source, reason)
                         order by v.n""")
                .param("user", userId)
                .param("amount", amount)
                .param("key", key)
                .param("source", source.name())
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        if (entries != 2) {
            throw new IllegalStateException("credit account vanished for user " + userId);
        }
        return new GrantResult.Forfeited(grantId, userId, amount, 0);
    }

    private GivenBack existingGrant(String key, long userId, long amount) {
        return jdbc.sql("select id, user_id, amount, paid_debt, forgiven from credit_grant where grant_key = :key")
                .param("key", key)
                .query((rs, n) -> {
                    if (rs.getLong("user_id") != userId || rs.getLong("amount") != amount) {
                        throw new IllegalArgumentException(
                                "grant key " + key + " was already used for a different user or amount");
                    }
                    return new GivenBack(
                            new GrantResult.AlreadyGranted(rs.getLong("id"), userId, amount, rs.getLong("paid_debt")),
                            rs.getLong("forgiven"));
                })
                .single();
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
