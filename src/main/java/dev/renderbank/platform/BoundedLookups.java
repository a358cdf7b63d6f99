package dev.renderbank.platform;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls that cannot be interrupted (a host name lookup waits as long as its name servers please),
 * bounded for the thread that needs their answer: the caller waits until a deadline at most, and at
 * most so many calls run at once per instance, those that outlived their caller included (each holds
 * its permit until it really ends). Beyond that a call is refused at once ({@link Busy}). So name
 * servers that never answer can hold neither the callers' threads (request threads, a bounded
 * sender pool) nor pile up lookup threads.
 *
 * <p>One instance per use (registration, delivery, reference images), so one use that fills its
 * permits cannot starve another.
 */
public final class BoundedLookups {

    /** A call that may block and throw. */
    @FunctionalInterface
    public interface Call<T, E extends Exception> {
        T get() throws E;
    }

    /** How a bounded call ended for its caller. */
    public sealed interface Outcome<T> {}

    /** The call answered in time. */
    public record Answered<T>(T value) implements Outcome<T> {}

    /** The call threw in time; {@code cause} is what it threw. */
    public record Failed<T>(Exception cause) implements Outcome<T> {}

    /** The deadline passed first (or the caller was interrupted); the call may still be under way. */
    public record TimedOut<T>() implements Outcome<T> {}

    /** As many calls as allowed were under way: this one was not started. */
    public record Busy<T>() implements Outcome<T> {}

    private final Semaphore permits;
    private final ExecutorService threads;

    /** At most {@code maxConcurrent} calls under way at once, on daemon threads named {@code threadName}. */
    public BoundedLookups(String threadName, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("at least one call at once is required");
        }
        this.permits = new Semaphore(maxConcurrent);
        // cached: a thread per call under way, never more than the permits
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code call} on a lookup thread and waits for it until {@code deadlineNanos} ({@link System#nanoTime}). */
    public <T, E extends Exception> Outcome<T> call(Call<T, E> call, long deadlineNanos) {
        if (!permits.tryAcquire()) {
            return new Busy<>();
        }
        CompletableFuture<Outcome<T>> answer = new CompletableFuture<>();
        try {
            threads.execute(() -> {
                try {
                    answer.complete(new Answered<>(call.get()));
                } catch (Exception e) {
                    answer.complete(new Failed<>(e));
                } catch (Error e) {
                    answer.completeExceptionally(e);
                } finally {
                    // only now: a call that outlived its caller still counts
                    permits.release();
                }
            });
        } catch (RejectedExecutionException e) {
            permits.release();
            return new Busy<>();
        }
        try {
            return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new TimedOut<>();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TimedOut<>();
        } catch (ExecutionException e) {
            throw (Error) e.getCause();
        }
    }
}
