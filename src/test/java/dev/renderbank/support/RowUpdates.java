package dev.renderbank.support;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Updates of one table's rows, all and HOT (in place, no new index entries), as PostgreSQL counts them
 * for the current transaction ({@code pg_stat_xact_user_tables}).
 */
public record RowUpdates(long all, long hot) {

    /**
     * The updates of {@code table} that {@code step} made, counted inside one transaction around it
     * (the view also shows this connection's earlier counts not yet reported, hence the difference).
     */
    public static RowUpdates of(JdbcClient jdbc, TransactionTemplate tx, String table, Runnable step) {
        return tx.execute(status -> {
            RowUpdates before = now(jdbc, table);
            step.run();
            return now(jdbc, table).minus(before);
        });
    }

    public RowUpdates plus(RowUpdates other) {
        return new RowUpdates(all + other.all, hot + other.hot);
    }

    private RowUpdates minus(RowUpdates other) {
        return new RowUpdates(all - other.all, hot - other.hot);
    }

    private static RowUpdates now(JdbcClient jdbc, String table) {
        return jdbc.sql("select n_tup_upd, n_tup_hot_upd from pg_stat_xact_user_tables where relname = :t")
                .param("t", table)
                .query((rs, n) -> new RowUpdates(rs.getLong(1), rs.getLong(2)))
                .single();
    }
}
