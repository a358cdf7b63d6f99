package dev.renderbank.ledger.internal;

import static dev.renderbank.ledger.internal.Columns.instant;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.LedgerEntry;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Accounts as a whole: balances, history, operator summaries and the invariant check. The writes
 * live in {@link HoldStore}, {@link GrantStore} and {@link DebtWaiverStore}.
 */
@Repository
public class LedgerStore {

    private final JdbcClient jdbc;

    public LedgerStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Balance> balance(long userId) {
        return jdbc.sql("select balance, held, debt from credit_account where user_id = :user")
                .param("user", userId)
                .query((rs, n) -> new Balance(rs.getLong("balance"), rs.getLong("held"), rs.getLong("debt")))
                .optional();
    }

    public List<LedgerEntry> history(long userId, long beforeId, int limit) {
        return jdbc.sql("""
                        select id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, source, reason, created_at
                          from ledger_entry where user_id = :user and id < :before
                         order by id desc limit :limit""")
                .param("user", userId)
                .param("before", beforeId)
                .param("limit", limit)
                .query(LedgerStore::entry)
                .list();
    }

    /** The entries recorded under {@code refKey} (a hold's key: its job's id), oldest first. */
    public List<LedgerEntry> byReference(String refKey, int limit) {
        return jdbc.sql("""
                        select id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, source, reason, created_at
                          from ledger_entry where ref_key = :ref
                         order by id limit :limit""")
                .param("ref", refKey)
                .param("limit", limit)
                .query(LedgerStore::entry)
                .list();
    }

    public void ensureAccount(long userId) {
        jdbc.sql("insert into credit_account (user_id) values (:user) on conflict (user_id) do nothing")
                .param("user", userId)
                .update();
    }

    private static LedgerEntry entry(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new LedgerEntry(
                rs.getLong("id"),
                rs.getString("kind"),
                rs.getLong("amount"),
                rs.getLong("balance_delta"),
                rs.getLong("held_delta"),
                rs.getLong("debt_delta"),
                rs.getString("ref_key"),
                rs.getString("source"),
                rs.getString("reason"),
                instant(rs, "created_at"));
    }
}
