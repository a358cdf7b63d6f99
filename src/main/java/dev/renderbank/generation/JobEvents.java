package dev.renderbank.generation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Local fan-out of "job changed" signals to open event streams. Streams also re-read the job
 * periodically, so a change made on another node reaches them too, only a little later.
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
}
