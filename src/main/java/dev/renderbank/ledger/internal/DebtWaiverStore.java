package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;

import dev.renderbank.ledger.DebtWaived;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Operators forgiving debt. Runs inside the caller's transaction. */
@Repository
public class DebtWaiverStore {

    private final JdbcClient jdbc;

    public DebtWaiverStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
        long waived = jdbc.sql("""
                        with old as (select user_id, debt from credit_account
                                      where user_id = :user and debt > 0 for no key update),
                        upd as (
                            update credit_account a set debt = a.debt - least(old.debt, :amount)
                              from old where a.user_id = old.user_id
                            returning least(old.debt, :amount) as waived),
                        recorded as (
                            update debt_waiver w set waived = upd.waived from upd where w.id = :waiver)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select :user, 'DEBT_WAIVED', upd.waived, 0, 0, -upd.waived, :key, :reason, :now from upd
                        returning amount""")
                .param("waiver", waiverId.get())
                .param("user", userId)
                .param("amount", amount)
                .param("key", key)
                .param("reason", reason)
                .param("now", ts(now))
                .query(Long.class)
                .optional()
                .orElse(0L); // nothing owed: the waiver is recorded, the books do not move
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
