package dev.renderbank.generation.internal;

import dev.renderbank.generation.GenerationProperties;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The submit path's share of the database connections (issue 15: an accept never waits for a
 * connection behind background work). Up to {@code renderbank.jobs.submit-concurrency} threads
 * submit the jobs just accepted; each holds a connection only while it writes a mark, but when those
 * writes are slow (commits waiting on a busy disk, a lock) every one of them could hold one at once
 * and the accepting requests would find the pool empty. Here at most {@code
 * renderbank.jobs.submit-connections} of the submit path's steps hold one at a time; the others wait
 * for a permit without one, and the rest of the pool stays for the requests. Its reads (the
 * provider's availability before a submit) go through it too.
 */
@Component
class SubmitConnections {

    private final Semaphore permits;

    SubmitConnections(GenerationProperties props) {
        this.permits = new Semaphore(props.jobs().submitConnections());
    }

    /** Runs a step that takes a connection of its own, once a permit is free. */
    <T> T use(Supplier<T> step) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return step.get(); // the caller's transaction already holds its connection
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a database connection of the submit path", e);
        }
        try {
            return step.get();
        } finally {
            permits.release();
        }
    }
}
