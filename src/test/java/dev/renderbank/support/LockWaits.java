package dev.renderbank.support;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * For race tests that hold a lock in one transaction and must know the other side is waiting for it:
 * asks PostgreSQL who blocks whom ({@code pg_blocking_pids}) instead of matching statement texts or
 * counting every lock wait on the server.
 */
public final class LockWaits {

    private LockWaits() {}

    /** The backend of the connection {@code jdbc} uses now (inside a transaction: that transaction's). */
    public static long backend(JdbcClient jdbc) {
        return jdbc.sql("select pg_backend_pid()").query(Long.class).single();
    }

    /** The backend of a connection the test holds itself (its open transaction's, if any). */
    public static long backend(java.sql.Connection connection) throws java.sql.SQLException {
        try (java.sql.Statement st = connection.createStatement();
                java.sql.ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Whether a session of this test's database waits for a lock the given backend holds. */
    public static boolean blockedBy(JdbcClient jdbc, long backend) {
        return jdbc.sql("""
                                select count(*) from pg_stat_activity
                                 where datname = current_database() and :backend = any(pg_blocking_pids(pid))""").param("backend", (int) backend).query(Long.class).single() > 0;
    }

    /** How many sessions of this test's database wait for a lock that another session holds. */
    public static long waiting(JdbcClient jdbc) {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                         where datname = current_database() and cardinality(pg_blocking_pids(pid)) > 0""").query(Long.class).single();
    }
}
