package dev.renderbank.ops.reconcile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * One repair of a finding at a time, across nodes. A repair fetches the provider's object (a remote
 * call, so no transaction may stay open around it) and feeds it as a webhook; a second repair racing
 * it would find that event stored but not yet committed and answer "not processed", or audit twice.
 * So the whole repair holds a session-level advisory lock on a connection of its own: the second
 * repair waits, then sees the first one's record. The lock ends with its session, so a node that dies
 * mid-repair does not keep it.
 */
@Component
public class RepairLocks {

    private final DataSource dataSource;

    RepairLocks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T whileRepairing(long findingId, Supplier<T> repair) {
        String key = "reconcile-repair:" + findingId;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true); // the pool resets it when the connection goes back
            run(c, "select pg_advisory_lock(hashtextextended(?, 0))", key);
            boolean unlocked = false;
            try {
                T result = repair.get();
                run(c, "select pg_advisory_unlock(hashtextextended(?, 0))", key);
                unlocked = true;
                return result;
            } finally {
                if (!unlocked) {
                    unlockOrEvict(c, key);
                }
            }
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("repair lock of finding " + findingId, e);
        }
    }

    /** A pooled connection must never go back still holding the lock: if unlocking fails, it is closed for good. */
    private static void unlockOrEvict(Connection c, String key) throws SQLException {
        try {
            run(c, "select pg_advisory_unlock(hashtextextended(?, 0))", key);
        } catch (SQLException e) {
            c.abort(Runnable::run);
        }
    }

    private static void run(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            ps.executeQuery().close();
        }
    }
}
