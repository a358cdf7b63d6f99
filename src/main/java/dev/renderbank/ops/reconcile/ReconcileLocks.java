package dev.renderbank.ops.reconcile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * One reconciliation run at a time, and one repair of a finding at a time, across nodes and the
 * command line. A run makes up to a few hundred provider calls and sends one alert: a second run at
 * the same time (a double click on "Run now", the schedule meeting an operator's run) would double
 * both and tell nothing new, so it is refused ({@link #whileReconciling}).
 *
 * <p>A repair fetches the provider's object (a remote
 * call, so no transaction may stay open around it) and feeds it as a webhook; a second repair racing
 * it would find that event stored but not yet committed and answer "not processed", or audit twice.
 * So the whole repair holds a session-level advisory lock on a connection of its own: the second
 * repair waits (without a connection), then sees the first one's record. The lock ends with its session, so a node that dies
 * mid-repair does not keep it.
 */
@Component
public class ReconcileLocks {

    private final DataSource dataSource;

    ReconcileLocks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** How long a repair waits for another repair of the same object before it is refused. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private static final long RETRY_MILLIS = 50;

    /** Another repair of the object held it for longer than {@link #WAIT}. */
    public static class Busy extends RuntimeException {
        Busy(String subject) {
            super("another repair of " + subject + " is still running; try again in a minute");
        }
    }

    /** Another reconciliation run holds the run lock. */
    public static class RunInProgress extends RuntimeException {
        RunInProgress() {
            super("another reconciliation run is under way; its report shows when it ends");
        }
    }

    private static final String RUN_KEY = "reconcile-run";

    /**
     * Runs {@code run} holding the run lock on a connection of its own (one connection for the run's
     * length, once a day by default); refuses at once with {@link RunInProgress} while another run
     * holds it. A node that dies mid-run loses its session, and with it the lock.
     */
    public <T> T whileReconciling(Supplier<T> run) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true); // the pool resets it when the connection goes back
            if (!tryLock(c, RUN_KEY)) {
                throw new RunInProgress();
            }
            return holding(c, RUN_KEY, run);
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("reconciliation run lock", e);
        }
    }

    /**
     * Runs {@code repair} holding the lock of the provider's object the finding names ({@code subject}):
     * every run stores its own finding of a difference still there, and two repairs of one object
     * (from two runs' findings) must not replay it at once. A repair that finds it taken waits for it without
     * holding a connection (it asks again every 50 ms), so repairs queued on one object never take
     * the pool from the one that runs; after {@link #WAIT} it gives up with {@link Busy}.
     */
    public <T> T whileRepairing(String subject, Supplier<T> repair) {
        String key = "reconcile-repair:" + subject;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true); // the pool resets it when the connection goes back
                if (tryLock(c, key)) {
                    return holding(c, key, repair);
                }
            } catch (SQLException e) {
                throw new DataAccessResourceFailureException("repair lock of " + subject, e);
            }
            if (System.nanoTime() > deadline) {
                throw new Busy(subject);
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Busy(subject);
            }
        }
    }

    private static <T> T holding(Connection c, String key, Supplier<T> work) throws SQLException {
        boolean unlocked = false;
        try {
            T result = work.get();
            run(c, "select pg_advisory_unlock(hashtextextended(?, 0))", key);
            unlocked = true;
            return result;
        } finally {
            if (!unlocked) {
                unlockOrEvict(c, key);
            }
        }
    }

    private static boolean tryLock(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(hashtextextended(?, 0))")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
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
