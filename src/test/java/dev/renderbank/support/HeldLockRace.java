package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two calls that reach one row at the same moment, in the order a race test chooses: the test locks
 * the row in a transaction of its own, starts the call meant to go first and waits until PostgreSQL
 * says it waits for that lock ({@link LockWaits#blockedBy}, never a sleep), starts the other and
 * waits until it waits too, then commits. Both are under way at once and reach the row in the order
 * they queued for it. A test runs each order of a pair ({@link #race}) and asserts its rule on both.
 */
public final class HeldLockRace {

    /** How long a call may take to reach its lock wait, or to finish once let go. */
    private static final Duration STEP = Duration.ofSeconds(20);

    private static final Duration FINISH = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final String lockSql;
    private final Object[] params;

    private HeldLockRace(DataSource dataSource, String lockSql, Object[] params) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.lockSql = lockSql;
        this.params = params.clone();
    }

    /**
     * A race on the row(s) that {@code lockSql} (a {@code select … for update} or {@code for no key
     * update} with {@code ?} for {@code params}) locks.
     */
    public static HeldLockRace onRow(DataSource dataSource, String lockSql, Object... params) {
        return new HeldLockRace(dataSource, lockSql, params);
    }

    /**
     * A race on a user's credit account row, which every path that changes the user's credits locks
     * first ({@code for no key update}, as the ledger does).
     */
    public static HeldLockRace onCreditAccount(DataSource dataSource, long user) {
        return onRow(dataSource, "select 1 from credit_account where user_id = ? for no key update", user);
    }

    /** The results of the two calls of a race, in the order they were given (not the order they ran). */
    public record Results<A, B>(A a, B b) {}

    /**
     * Runs {@code a} and {@code b} at once, {@code a} reaching the row first if {@code aFirst}, else
     * {@code b}; returns {@code a}'s result and {@code b}'s. A call that threw fails the test with its
     * exception.
     */
    public <A, B> Results<A, B> race(Supplier<A> a, Supplier<B> b, boolean aFirst) throws Exception {
        if (aFirst) {
            return inOrder(a, b);
        }
        Results<B, A> r = inOrder(b, a);
        return new Results<>(r.b(), r.a());
    }

    /** Runs {@code first} and {@code second} at once, {@code first} reaching the row first. */
    public <A, B> Results<A, B> inOrder(Supplier<A> first, Supplier<B> second) throws Exception {
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(lockSql)) {
                for (int i = 0; i < params.length; i++) {
                    lock.setObject(i + 1, params[i]);
                }
                lock.executeQuery().close();
            }
            long backend = LockWaits.backend(holder);
            long before = LockWaits.waiting(jdbc);
            CompletableFuture<A> a = new CompletableFuture<>();
            Concurrently.completeInBackground(a, first);
            Awaitility.await().atMost(STEP).until(() -> LockWaits.blockedBy(jdbc, backend));
            CompletableFuture<B> b = new CompletableFuture<>();
            Concurrently.completeInBackground(b, second);
            // the second waits for the held row or behind the first: two waiters more than before
            Awaitility.await().atMost(STEP).until(() -> LockWaits.waiting(jdbc) >= before + 2);
            assertThat(a).as("the first waits for the held row").isNotDone();
            assertThat(b).as("the second waits too").isNotDone();
            holder.commit();
            return new Results<>(
                    a.get(FINISH.toSeconds(), TimeUnit.SECONDS), b.get(FINISH.toSeconds(), TimeUnit.SECONDS));
        }
    }
}
