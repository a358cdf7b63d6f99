package dev.renderbank.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Operators' pause switches, read on the hot paths (accept, checkout). The state lives in the
 * database so every node obeys; each node reads all switches at most once per {@link #CACHE} (one
 * tiny query), so a change takes effect everywhere within about a second. Written only through ops,
 * which records each change in its audit trail.
 */
@Service
public class Switches {

    public static final String GENERATION = "generation";
    public static final String SALES = "sales";
    public static final String MODEL_PREFIX = "model:";

    /** How stale a node's view may be; the brief allows 2 s. */
    static final Duration CACHE = Duration.ofSeconds(1);

    /** When a switch gives no {@code retryAfterSeconds}. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(300);

    /** One switch's state; {@code retryAfter} is never null (the default when unset). */
    public record Switch(
            String name, boolean paused, String message, Duration retryAfter, String updatedBy, Instant updatedAt) {}

    private record Snapshot(Map<String, Switch> byName, long loadedAtNanos) {}

    private final JdbcClient jdbc;
    private volatile Snapshot snapshot;

    Switches(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public static String model(String modelId) {
        return MODEL_PREFIX + modelId;
    }

    /** The first of {@code names} that is paused, if any (e.g. "generation", then "model:x"). */
    public Optional<Switch> paused(String... names) {
        Map<String, Switch> current = current();
        for (String name : names) {
            Switch s = current.get(name);
            if (s != null && s.paused()) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Every switch ever set, by name (fresh from the database). */
    public List<Switch> all() {
        return load().byName().values().stream()
                .sorted(java.util.Comparator.comparing(Switch::name))
                .toList();
    }

    /**
     * Sets a switch; joins the caller's transaction (the operator's audit record). This node forgets
     * its cached view at once; the others within {@link #CACHE}.
     */
    public void set(String name, boolean paused, String message, Integer retryAfterSeconds, String actor, Instant now) {
        int n = jdbc.sql("""
                        insert into operation_switch (name, paused, message, retry_after_seconds, updated_by, updated_at)
                        values (:name, :paused, :message, :retry, :actor, :now)
                        on conflict (name) do update
                           set paused = excluded.paused, message = excluded.message,
                               retry_after_seconds = excluded.retry_after_seconds,
                               updated_by = excluded.updated_by, updated_at = excluded.updated_at""")
                .param("name", name)
                .param("paused", paused)
                .param("message", message)
                .param("retry", retryAfterSeconds)
                .param("actor", actor)
                .param("now", SqlTime.ts(now))
                .update();
        Rows.expectOne(n, "switch " + name);
        snapshot = null;
    }

    public Optional<Switch> get(String name) {
        return Optional.ofNullable(load().byName().get(name));
    }

    private Map<String, Switch> current() {
        Snapshot s = snapshot;
        if (s == null || System.nanoTime() - s.loadedAtNanos() > CACHE.toNanos()) {
            s = load();
            snapshot = s;
        }
        return s.byName();
    }

    private Snapshot load() {
        List<Switch> rows = jdbc.sql(
                        "select name, paused, message, retry_after_seconds, updated_by, updated_at from operation_switch")
                .query((rs, n) -> {
                    int retry = rs.getInt("retry_after_seconds");
                    boolean unset = rs.wasNull();
                    return new Switch(
                            rs.getString("name"),
                            rs.getBoolean("paused"),
                            rs.getString("message"),
                            unset ? DEFAULT_RETRY_AFTER : Duration.ofSeconds(retry),
                            rs.getString("updated_by"),
                            SqlTime.instant(rs, "updated_at"));
                })
                .list();
        return new Snapshot(
                rows.stream().collect(Collectors.toMap(Switch::name, Function.identity())), System.nanoTime());
    }
}
