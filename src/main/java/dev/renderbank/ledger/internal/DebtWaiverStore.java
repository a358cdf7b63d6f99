package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;
import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.ledger.DebtWaived;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Operators forgiving debt. Runs inside the caller's transaction. */
@Repository
public class DebtWaiverStore {

    private final JdbcClient jdbc;
    private final DebtAttribution debts;

    public DebtWaiverStore(JdbcClient jdbc, DebtAttribution debts) {
        this.jdbc = jdbc;
        this.debts = debts;
    }

    public DebtWaived waive(long userId, long amount, String key, String actor, String reason, Instant now) {
        // Claim the key first: a concurrent waiver with the same key waits here, then sees this one.
        Optional<Long> waiverId = jdbc.sql("""
                        insert into debt_waiver (waiver_key, user_id, requested, waived, actor, reason, created_at)
                        values (:key, :user, :amount, 0, :actor, :reason, :now)
                        on conflict (waiver_key) do nothing
                        returning id""")
                .param("key", key)
                .param("user", userId)
                .param("amount", amount)
                .param("actor", actor)
                .param("reason", reason)
                .param("now", ts(now))
                .query(Long.class)
                .optional();
        if (waiverId.isEmpty()) {
            return existing(key, userId, amount);
        }
        // What is owed is read under the account's lock, in a statement of its own, and the next
        // statement changes the row by what was read (GrantStore#grant says why: locked in a CTE of
        // the changing statement, a refund adding to the debt while the waiver waited made the
        // account's CHECK refuse the waiver, CrossPathRaceTest).
        long owed = jdbc.sql("select debt from credit_account where user_id = :user for no key update")
                .param("user", userId)
                .query(Long.class)
                .optional()
                .orElse(0L);
        long waived = Math.min(owed, amount);
        if (waived == 0) {
            return new DebtWaived(userId, amount, 0, false); // nothing owed: recorded, the books do not move
        }
        int entries = jdbc.sql("""
                        with upd as (
                            update credit_account set debt = debt - :waived where user_id = :user
                            returning user_id),
                        recorded as (
                            update debt_waiver w set waived = :waived from upd where w.id = :waiver)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select upd.user_id, 'DEBT_WAIVED', :waived, 0, 0, -:waived, :key, :reason, :now from upd""")
                .param("waiver", waiverId.get())
                .param("user", userId)
                .param("waived", waived)
                .param("key", key)
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        expectOne(entries, "debt waiver " + key + " of user " + userId);
        // which clawbacks it forgave: a give-back of one of them never credits what was forgiven
        debts.waived(userId, waived);
        return new DebtWaived(userId, amount, waived, false);
    }

    private DebtWaived existing(String key, long userId, long amount) {
        return jdbc.sql("select user_id, requested, waived from debt_waiver where waiver_key = :key")
                .param("key", key)
                .query((rs, n) -> {
                    if (rs.getLong("user_id") != userId || rs.getLong("requested") != amount) {
                        throw new IllegalArgumentException(
                                "waiver key " + key + " was already used for a different user or amount");
                    }
                    return new DebtWaived(userId, amount, rs.getLong("waived"), true);
                })
                .single();
    }
}
