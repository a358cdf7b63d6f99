package dev.renderbank.generation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Fan-out of "job changed" signals to the event streams open on this node. Signals come from this
 * node's job engine right after its commits and, for changes made anywhere (any node, an operator
 * command), from the database's notifications ({@code internal.JobChangeListener}). Streams also
 * re-read their job now and then, the fallback for a notification that was never delivered.
 */
@Component
public class JobEvents {

    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();

    public Runnable subscribe(String jobId, Consumer<String> listener) {
        listeners.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(jobId, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Called by the job engine after a change of the job is committed. */
    public void changed(String jobId) {
        List<Consumer<String>> list = listeners.get(jobId);
        if (list != null) {
            list.forEach(l -> l.accept(jobId));
        }
    }

    /**
     * Signals every job that has a stream here: notifications sent while this node was not
     * listening (its listening connection was lost) are gone, so each stream re-reads its job.
     */
    public void changedAll() {
        listeners.keySet().forEach(this::changed);
    }
}
