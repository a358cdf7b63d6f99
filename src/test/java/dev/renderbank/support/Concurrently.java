package dev.renderbank.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs calls at the same instant (each on its own thread, released together) for race tests. */
public final class Concurrently {

    private Concurrently() {}

    /** Runs all of {@code calls} at once and returns their results in order; a failure is rethrown. */
    @SafeVarargs
    public static <T> List<T> run(Callable<? extends T>... calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.length);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<? extends T>> futures = new ArrayList<>();
            for (Callable<? extends T> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<? extends T> f : futures) {
                results.add(f.get(1, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Runs {@code call} on a thread of its own and completes {@code result} with its value or its
     * exception (for a race test that declares the future before it starts the call, e.g. inside a
     * transaction holding the lock the call will wait for).
     */
    public static <T> void completeInBackground(
            java.util.concurrent.CompletableFuture<T> result, java.util.function.Supplier<T> call) {
        new Thread(() -> {
                    try {
                        result.complete(call.get());
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                })
                .start();
    }
}
