package dev.renderbank.support;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts the statements the application sends to PostgreSQL while serving one kind of HTTP request,
 * on the request's thread (as {@link ConnectionBorrows}), from the driver's own trace: PgJDBC logs
 * every query it executes ({@code simple execute}, or {@code batch execute} of n queries) at FINEST
 * on {@code org.postgresql.core.v3.QueryExecutorImpl}, with the result handler as the first
 * parameter; a commit or rollback is executed with {@code PgConnection$TransactionCommandHandler}.
 * Only while this is open is the driver's trace on.
 */
public final class RequestStatements implements AutoCloseable {

    private static final Logger DRIVER = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");

    /** What one request sent: statements, and transaction ends (commits or rollbacks). */
    public record Counted(int statements, int transactionEnds) {}

    private final String method;
    private final String path;
    private final Level level;
    private final boolean parentHandlers;
    private final AtomicInteger statements = new AtomicInteger();
    private final AtomicInteger transactionEnds = new AtomicInteger();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            note(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private RequestStatements(String method, String path) {
        this.method = method;
        this.path = path;
        this.level = DRIVER.getLevel();
        this.parentHandlers = DRIVER.getUseParentHandlers();
        DRIVER.setUseParentHandlers(false); // the trace is this counter's only, not the log's
        handler.setLevel(Level.ALL);
        DRIVER.addHandler(handler);
        DRIVER.setLevel(Level.FINEST);
    }

    /** Starts counting the statements sent while serving {@code method path} requests. */
    public static RequestStatements watch(String method, String path) {
        return new RequestStatements(method, path);
    }

    /** What was counted since the last call; starts afresh. */
    public Counted take() {
        return new Counted(statements.getAndSet(0), transactionEnds.getAndSet(0));
    }

    @Override
    public void close() {
        DRIVER.setLevel(level);
        DRIVER.removeHandler(handler);
        DRIVER.setUseParentHandlers(parentHandlers);
    }

    /** The operators' switches, read by a node at most once a second for all requests, not per request. */
    private static boolean cachedSwitches() {
        return StackWalker.getInstance()
                .walk(frames -> frames.anyMatch(f -> f.getClassName().equals("dev.renderbank.platform.Switches")));
    }

    /**
     * HikariCP's check that a borrowed connection is alive ({@code Connection.isValid}, which PgJDBC
     * runs as an empty statement), made when the connection has been idle longer than Hikari's
     * 500 ms bypass window: the pool's housekeeping, not the request's work, and present or not
     * depending on the machine's speed (a CI run under load counted a replay's 3 statements as 4).
     */
    private static boolean poolsAlivenessCheck() {
        return StackWalker.getInstance()
                .walk(frames -> frames.anyMatch(f -> f.getClassName().equals("com.zaxxer.hikari.pool.PoolBase")));
    }

    private void note(LogRecord record) {
        String message = record.getMessage();
        Object[] params = record.getParameters();
        if (message == null
                || params == null
                || params.length == 0
                || !ConnectionBorrows.serving(method, path)
                || cachedSwitches()
                || poolsAlivenessCheck()) {
            return;
        }
        if (message.contains("simple execute,")) {
            boolean transactionCommand =
                    params[0] != null && params[0].getClass().getName().endsWith("TransactionCommandHandler");
            (transactionCommand ? transactionEnds : statements).incrementAndGet();
        } else if (message.contains("batch execute") && params[0] instanceof Integer queries) {
            statements.addAndGet(queries);
        }
    }
}
