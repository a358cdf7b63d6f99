package dev.renderbank.ledger;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Credits given up for good: what is left on an account its owner deleted. One conditional statement
 * takes the whole balance to zero and writes the FORFEIT entry, only while nothing is held (a held
 * amount is about to be captured or released; forfeiting before it settles would leave the released
 * part behind). Debt is left as it is: it is never collected from a deleted account, and stays visible
 * to operators. The account is closed at the same time, so credits that arrive later are forfeited
 * as they land.
 */
@Service
public class Forfeits {

    private final JdbcClient jdbc;
    private final Clock clock;

    Forfeits(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Idempotent: a repeat finds a zero balance and forfeits nothing more. Once nothing is held the
     * account is also closed, first (the row lock then keeps any grant out until the forfeit commits):
     * every later grant to it is forfeited as it lands ({@link GrantResult.Forfeited}).
     */
    @Transactional
    public ForfeitResult forfeitAll(long userId, String key, String reason) {
        if (key == null || key.isBlank() || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("key and reason are required");
        }
        jdbc.sql("insert into credit_account (user_id) values (:user) on conflict (user_id) do nothing")
                .param("user", userId)
                .update();
        int closed = jdbc.sql("""
                        update credit_account set closed_at = coalesce(closed_at, :now)
                         where user_id = :user and held = 0""")
                .param("user", userId)
                .param("now", ts(clock.instant()))
                .update();
        if (closed == 0) {
            return new ForfeitResult.HoldsOpen(jdbc.sql("select held from credit_account where user_id = :user")
                    .param("user", userId)
                    .query(Long.class)
                    .single());
        }
        // Locking the row in a CTE of the statement that changes it is safe here, unlike in GrantStore
        // (its class comment says why it is not in general): the closing update above already holds
        // the row, so this statement's snapshot sees its newest version, which nobody else can change
        // before this transaction ends; the lock and the update read the same version.
        Optional<Long> taken = jdbc.sql("""
                        with old as (select user_id, balance from credit_account
                                      where user_id = :user and held = 0 and balance > 0 for no key update),
                        upd as (
                            update credit_account a set balance = a.balance - old.balance
                              from old where a.user_id = old.user_id and a.held = 0
                            returning old.balance as taken)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, reason, created_at)
                        select :user, 'FORFEIT', upd.taken, -upd.taken, 0, 0, :key, :reason, :now from upd
                        returning amount""")
                .param("user", userId)
                .param("key", key)
                .param("reason", reason)
                .param("now", ts(clock.instant()))
                .query(Long.class)
                .optional();
        return new ForfeitResult.Forfeited(taken.orElse(0L));
    }

    /** Whether the account was closed by {@link #forfeitAll} (its owner deleted it). */
    public boolean isClosed(long userId) {
        return jdbc.sql("select closed_at is not null from credit_account where user_id = :user")
                .param("user", userId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }
}
