package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;
import static dev.renderbank.platform.Rows.expectOne;

import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Debt paid from credits that come free. A clawback takes only what is available: the credits a
 * running job holds stay held, and what the clawback could not take becomes debt. When that job then
 * fails or its hold expires, its credits are available again while the debt stands: the user could not
 * spend them (a reserve is refused while there is debt), and an operator's waiver would forgive debt
 * the user can pay. So a release or expiry pays the debt from what is available, in its own
 * transaction: a {@code DEBT_PAID} entry (balance and debt both down by the payment, its reference
 * the hold that came free), attributed to the oldest owing clawbacks as paid, as a grant's payment is
 * ({@link DebtAttribution}), so a give-back that reverses such a clawback restores it.
 *
 * <p>It pays what is available up to the debt, not the hold's amount: a state, not an event. Run again
 * (a repeated release, or the expiry of an overdue hold that a capture found) it pays only what is
 * still payable, never twice. A deleted account's debt is never collected.
 *
 * <p>Runs inside the caller's transaction; the account row is locked by a statement of its own and
 * changed by the next (see {@link GrantStore}'s class comment for why not in one statement).
 */
@Repository
public class FreedCredits {

    private final JdbcClient jdbc;
    private final DebtAttribution debts;

    public FreedCredits(JdbcClient jdbc, DebtAttribution debts) {
        this.jdbc = jdbc;
        this.debts = debts;
    }

    /** Pays the user's debt from their available credits, freed by {@code ref}; returns what it paid. */
    public long payDebt(long userId, String ref, Instant now) {
        record Owed(long debt, long available) {}
        Optional<Owed> owed = jdbc.sql("""
                        select debt, balance - held as available from credit_account
                         where user_id = :user and closed_at is null and debt > 0 and balance > held
                           for no key update""")
                .param("user", userId)
                .query((rs, n) -> new Owed(rs.getLong("debt"), rs.getLong("available")))
                .optional();
        if (owed.isEmpty()) {
            return 0;
        }
        // Never more than the clawbacks say is owed: on books the invariant check already reports
        // (debt no clawback explains) the release still goes through and that debt stays for an operator.
        long clawbacksOwe =
                jdbc.sql("""
                        select coalesce(sum(debt_added - debt_paid - debt_waived), 0) from credit_clawback
                         where user_id = :user and debt_added > debt_paid + debt_waived""").param("user", userId).query(Long.class).single();
        long pay = Math.min(Math.min(owed.get().debt(), owed.get().available()), clawbacksOwe);
        if (pay <= 0) {
            return 0;
        }
        int entries = jdbc.sql("""
                        with upd as (
                            update credit_account set balance = balance - :pay, debt = debt - :pay
                             where user_id = :user
                            returning user_id)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select user_id, 'DEBT_PAID', :pay, -:pay, 0, -:pay, :ref,
                               'debt paid from credits that came free', :now
                          from upd""")
                .param("user", userId)
                .param("pay", pay)
                .param("ref", ref)
                .param("now", ts(now))
                .update();
        expectOne(entries, "debt payment of user " + userId + " from " + ref);
        long attributed = debts.paid(userId, pay, Reversed.NOTHING);
        if (attributed != pay) {
            throw new IllegalStateException(
                    "user " + userId + " owed " + owed.get().debt() + " but clawbacks owe only " + attributed
                            + " of the " + pay + " paid from " + ref);
        }
        return pay;
    }
}
