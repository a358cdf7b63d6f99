package dev.renderbank.platform;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.time.Instant;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one cross-module mechanism for "whatever follows a business change": {@link #publish} writes
 * one db-scheduler task per interested {@link DurableEventHandler} in the caller's transaction (the
 * scheduler's DataSource is transaction-aware), so a rollback publishes nothing and a crash right
 * after the commit loses nothing: whichever node polls next runs the handler, retried with backoff
 * until it succeeds ({@link DurableEventTasks}). Replaces in-memory after-commit listeners.
 */
@Service
public class DurableEvents {

    /**
     * Handlers run as soon as a node polls: the execution time is compared with the scheduler's own
     * (system) time, not the application's {@code Clock}, which tests move; a time in the past is
     * always due, whatever that clock says.
     */
    static final Instant DUE_AT_ONCE = Instant.EPOCH;

    private final ObjectProvider<SchedulerClient> scheduler;
    private final OneTimeTask<String> task;
    /** Looked up at publish time: handlers depend on facades that publish (no construction cycle). */
    private final ObjectProvider<DurableEventHandler<?>> handlers;

    private final JsonMapper json;

    DurableEvents(
            ObjectProvider<SchedulerClient> scheduler,
            OneTimeTask<String> durableEventTask,
            ObjectProvider<DurableEventHandler<?>> handlers,
            JsonMapper json) {
        this.scheduler = scheduler;
        this.task = durableEventTask;
        this.handlers = handlers;
        this.json = json;
    }

    /**
     * Stores the event for each handler of its type; must run inside the transaction of the change
     * that caused it. Returns how many handlers will act on it (0 is fine: nobody listens yet).
     */
    public int publish(DurableEvent event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("publish " + event.getClass().getSimpleName()
                    + " inside the transaction of the change that caused it");
        }
        int scheduled = 0;
        for (DurableEventHandler<?> h : handlers.orderedStream().toList()) {
            if (h.eventType().isInstance(event)) {
                String data = json.writeValueAsString(new DurableEventTasks.Envelope(
                        h.name(), event.getClass().getName(), json.writeValueAsString(event)));
                scheduler
                        .getObject()
                        .scheduleIfNotExists(task.instance(h.name() + ":" + event.key(), data), DUE_AT_ONCE);
                scheduled++;
            }
        }
        return scheduled;
    }
}
