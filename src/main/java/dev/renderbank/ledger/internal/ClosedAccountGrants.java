package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.ts;

import dev.renderbank.ledger.GivenBack;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import java.time.Instant;
import java.util.Map;
import java.util.function.BiConsumer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link GrantStore}'s grants to a closed account (deleted by its owner, its credits forfeited): each
 * is recorded and forfeited as it lands; a give-back also cancels what its clawbacks still owe there.
 * Runs inside the caller's transaction.
 */
class ClosedAccountGrants {

    private final JdbcClient jdbc;
    private final DebtAttribution debts;

    ClosedAccountGrants(JdbcClient jdbc, DebtAttribution debts) {
        this.jdbc = jdbc;
        this.debts = debts;
    }

    /**
     * A grant to a closed account (deleted by its owner, its credits forfeited): the GRANT entry and a
     * FORFEIT entry of the same amount, so the grant is on the books and the balance stays as it was;
     * debt is never collected from a deleted account, so none is paid.
     */
    GrantResult forfeit(
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

    /**
     * A give-back to a closed account (a dispute of a deleted account's purchase won): what the
     * reversed clawbacks still owe is cancelled (that debt was never collected, and is no longer
     * remembered for a new account of the mailbox), what an operator waived of it, or what was carried
     * to a new account of the mailbox ({@link DebtCarry}: recorded as waived here), is counted as given
     * back and moves nothing, and the rest is granted and forfeited, as any grant to a closed account.
     * What is given back of the carried debt is handed to {@code carriedBack} (the new account, the
     * amount) to be given back there, after this account's entries.
     */
    GivenBack giveBack(
            long grantId,
            long userId,
            long amount,
            Reversed reversed,
            GrantSource source,
            String key,
            String reason,
            Instant now,
            BiConsumer<Long, Long> carriedBack) {
        jdbc.sql("select debt from credit_account where user_id = :user for no key update")
                .param("user", userId)
                .query(Long.class)
                .single();
        // the rule of DebtAttribution: what an operator waived comes back as nothing, then the reversed
        // clawbacks' debt is cancelled, what of it is still owed here first, then what was carried to
        // new accounts of the mailbox (given back there, where the rule applies again)
        long waived = debts.restoreWaived(userId, amount, reversed);
        long paid = Math.min(debts.owedBy(userId, reversed), amount - waived);
        Map<Long, Long> carried = debts.giveBackCarried(userId, amount - waived - paid, reversed);
        long forgiven =
                waived + carried.values().stream().mapToLong(Long::longValue).sum();
        long rest = amount - forgiven - paid;
        int entries = jdbc.sql("""
                        with upd as (
                            update credit_account set debt = debt - :paid where user_id = :user
                            returning user_id),
                        recorded as (
                            update credit_grant g set paid_debt = :paid, forgiven = :forgiven
                              from upd where g.id = :grant and :paid + :forgiven > 0)
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, source, reason, created_at)
                        select upd.user_id, v.kind, v.amount, v.delta, 0, v.debt, :key, v.source, v.reason, :now
                          from upd,
                               (values (1, 'GRANT', :amount, :rest, -:paid, :source, :reason),
                                       (2, 'FORFEIT', :rest, -:rest, 0, null, 'account deleted: ' || :reason))
                                 as v (n, kind, amount, delta, debt, source, reason)
                         where v.n = 1 or :rest > 0
                         order by v.n""")
                .param("grant", grantId)
                .param("user", userId)
                .param("paid", paid)
                .param("forgiven", forgiven)
                .param("rest", rest)
                .param("amount", amount)
                .param("key", key)
                .param("source", source.name())
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        if (entries != (rest > 0 ? 2 : 1)) {
            throw new IllegalStateException("give-back " + key + " to closed account " + userId + " wrote " + entries);
        }
        debts.paid(userId, paid, reversed);
        carried.forEach(carriedBack);
        return new GivenBack(new GrantResult.Forfeited(grantId, userId, amount, paid), forgiven);
    }
}
