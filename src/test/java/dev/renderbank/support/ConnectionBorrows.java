package dev.renderbank.support;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Counts the connections the application borrows from its pool while serving one kind of HTTP
 * request ({@code method} and {@code path}), by the code that borrows them. Hikari tells its metrics
 * tracker of each borrow on the borrowing thread; this tracker notes the borrows made on a thread
 * that serves a matching request (Spring's request context, set before any security filter) and
 * names each by the first application frame below the pool, e.g. {@code TokenStore.findLive} or
 * {@code Acceptance.persist} (a transaction's begin). Other threads (schedulers, the submitter,
 * the built-in simulator's own requests) are not counted. The pool's own tracker keeps receiving
 * every call, and is put back by {@link #close()}.
 */
public final class ConnectionBorrows implements AutoCloseable {

    private final HikariPool pool;
    private final MetricsTrackerFactory original;
    private final String method;
    private final String path;
    private final List<String> borrowers = new CopyOnWriteArrayList<>();

    private ConnectionBorrows(HikariPool pool, MetricsTrackerFactory original, String method, String path) {
        this.pool = pool;
        this.original = original;
        this.method = method;
        this.path = path;
    }

    /** Starts counting the borrows made while serving {@code method path} requests. */
    public static ConnectionBorrows watch(DataSource dataSource, String method, String path) {
        HikariDataSource hikari;
        try {
            hikari = dataSource.unwrap(HikariDataSource.class);
        } catch (SQLException e) {
            throw new IllegalStateException("the application's DataSource is not Hikari's", e);
        }
        HikariPool pool = (HikariPool) hikari.getHikariPoolMXBean();
        ConnectionBorrows borrows = new ConnectionBorrows(pool, hikari.getMetricsTrackerFactory(), method, path);
        pool.setMetricsTrackerFactory(borrows::tracker);
        return borrows;
    }

    /** The borrowers noted since the last call, in order; starts afresh. */
    public List<String> take() {
        List<String> noted = List.copyOf(borrowers);
        borrowers.clear();
        return noted;
    }

    @Override
    public void close() {
        pool.setMetricsTrackerFactory(original);
    }

    private IMetricsTracker tracker(String poolName, PoolStats stats) {
        IMetricsTracker delegate = original != null ? original.create(poolName, stats) : new IMetricsTracker() {};
        return new IMetricsTracker() {
            @Override
            public void recordConnectionCreatedMillis(long millis) {
                delegate.recordConnectionCreatedMillis(millis);
            }

            @Override
            public void recordConnectionAcquiredNanos(long nanos) {
                delegate.recordConnectionAcquiredNanos(nanos);
                if (serving(method, path)) {
                    borrowers.add(borrower());
                }
            }

            @Override
            public void recordConnectionUsageMillis(long millis) {
                delegate.recordConnectionUsageMillis(millis);
            }

            @Override
            public void recordConnectionTimeout() {
                delegate.recordConnectionTimeout();
            }

            @Override
            public void close() {
                delegate.close();
            }
        };
    }

    /** Whether this thread serves a {@code method path} request now. */
    static boolean serving(String method, String path) {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && method.equals(attributes.getRequest().getMethod())
                && attributes.getRequest().getRequestURI().equals(path);
    }

    private static String borrower() {
        Optional<StackWalker.StackFrame> frame = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(f -> f.getClassName().startsWith("dev.renderbank.")
                                && !DataSource.class.isAssignableFrom(f.getDeclaringClass())
                                && f.getDeclaringClass() != ConnectionBorrows.class
                                && f.getDeclaringClass().getEnclosingClass() != ConnectionBorrows.class)
                        .findFirst());
        return frame.map(f -> f.getDeclaringClass().getSimpleName() + "." + f.getMethodName())
                .orElse("?");
    }
}
