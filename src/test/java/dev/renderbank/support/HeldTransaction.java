package dev.renderbank.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A transaction a race test opens on a thread of its own, does real work in and keeps open, with the
 * locks that work took, until the test commits it: the other side of the race is started meanwhile
 * and the test waits until it waits for those locks ({@link #awaitBlocked}, asked of PostgreSQL with
 * {@link LockWaits#blockedBy}, never a sleep). Closed without {@link #commit}, it rolls back. For a
 * race on one row a test locks itself, {@link HeldLockRace} is shorter.
 */
public final class HeldTransaction<T> implements AutoCloseable {

    /** How long the work, the other side's wait or the commit may take before the test fails. */
    private static final Duration STEP = Duration.ofSeconds(20);

    /** How long the transaction stays open at the most if the test never lets it go. */
    private static final Duration HELD_AT_MOST = Duration.ofMinutes(2);

    private final JdbcClient jdbc;
    private final AtomicLong backend = new AtomicLong();
    private final CompletableFuture<Void> held = new CompletableFuture<>();
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final CountDownLatch letGo = new CountDownLatch(1);
    private volatile boolean commit;
    private volatile boolean heldTooLong;
    private volatile Runnable last = () -> {};

    private HeldTransaction(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Runs {@code work} in a new transaction of {@code tx} on a thread of its own and returns once it
     * is done, its transaction still open; a failure of the work is thrown here.
     */
    public static <T> HeldTransaction<T> open(TransactionTemplate tx, JdbcClient jdbc, Supplier<T> work)
            throws Exception {
        HeldTransaction<T> t = new HeldTransaction<>(jdbc);
        Concurrently.completeInBackground(
                t.result,
                () -> tx.execute(status -> {
                    t.backend.set(LockWaits.backend(jdbc));
                    T value = work.get();
                    t.held.complete(null);
                    try {
                        if (!t.letGo.await(HELD_AT_MOST.toSeconds(), TimeUnit.SECONDS)) {
                            t.heldTooLong = true;
                            t.commit = false;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        t.commit = false;
                    }
                    if (!t.commit) {
                        status.setRollbackOnly();
                    } else {
                        t.last.run();
                    }
                    return value;
                }));
        t.result.whenComplete((value, failure) -> t.held.completeExceptionally(
                failure != null ? failure : new IllegalStateException("the transaction ended before it was held")));
        t.held.get(STEP.toSeconds(), TimeUnit.SECONDS);
        return t;
    }

    /** Waits until another session waits for a lock this transaction holds. */
    public void awaitBlocked() {
        Awaitility.await().atMost(STEP).until(() -> LockWaits.blockedBy(jdbc, backend.get()));
    }

    /** Commits the transaction and returns what its work returned. */
    public T commit() throws Exception {
        commit = true;
        letGo.countDown();
        T value = result.get(STEP.toSeconds(), TimeUnit.SECONDS);
        if (heldTooLong) {
            // the test waited on something that waited on this transaction: its race never ran
            throw new AssertionError("the transaction was held " + HELD_AT_MOST
                    + " without being let go and was rolled back, not committed");
        }
        return value;
    }

    /**
     * Runs {@code more} in the transaction, then commits it and returns what its first work returned:
     * for the second step of a transaction whose first step's locks another session waits for. A
     * failure of {@code more} (a deadlock PostgreSQL broke by aborting this side) is thrown here.
     */
    public T commitAfter(Runnable more) throws Exception {
        last = more;
        return commit();
    }

    /** Rolls the transaction back unless it was committed. */
    @Override
    public void close() {
        letGo.countDown();
    }
}
