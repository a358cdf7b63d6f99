package dev.renderbank.generation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A group commit (issue 15): each caller queues its item and waits for the lock; whoever gets it
 * writes every item queued so far, its own included, so items that arrive while a write is under way
 * go together in the next one, and a lone item is written at once (no waiting for company). A caller
 * returns when its own item's outcome is known, i.e. once the write that carried it has committed.
 */
final class GroupCommit<T, R> {

    /** One caller's item and the outcome it waits for. */
    record Entry<T, R>(T item, CompletableFuture<R> outcome) {}

    private final Consumer<List<Entry<T, R>>> write;
    private final ConcurrentLinkedQueue<Entry<T, R>> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    /**
     * {@code write} commits a batch and completes each entry's outcome; an exception it throws is every
     * entry's outcome that it left open.
     */
    GroupCommit(Consumer<List<Entry<T, R>>> write) {
        this.write = write;
    }

    /** Queues the item and returns its outcome once written (or throws the write's exception). */
    R submit(T item) {
        Entry<T, R> mine = new Entry<>(item, new CompletableFuture<>());
        queued.add(mine);
        writing.lock();
        try {
            if (!mine.outcome().isDone()) {
                writeQueued();
            }
        } finally {
            writing.unlock();
        }
        try {
            return mine.outcome().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Items queued and not yet taken by a write (for tests). */
    int queued() {
        return queued.size();
    }

    private void writeQueued() {
        List<Entry<T, R>> batch = new ArrayList<>();
        for (Entry<T, R> e = queued.poll(); e != null; e = queued.poll()) {
            batch.add(e);
        }
        // The writer writes the other callers' items too: an interrupt meant for it alone (its pool shut
        // down while it waited for the lock) must not fail theirs, so the write runs without its flag,
        // given back afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            write.accept(batch);
        } catch (RuntimeException e) {
            batch.forEach(entry -> entry.outcome().completeExceptionally(e));
        } finally {
            // an Error on the way: no caller waits for ever
            batch.forEach(entry -> entry.outcome().completeExceptionally(new IllegalStateException("not committed")));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
