package dev.renderbank.platform;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Gauges whose values are read from the database, read so that a scrape never waits on it for long.
 * Each read runs on a thread of its own; the scrape waits for it at most {@code
 * renderbank.monitoring.database-wait}, and past that (or while the last read failed) gets the last
 * value read, {@code NaN} before the first. {@value #AGE_GAUGE}{@code {source}} says how long ago a
 * source's values were last read. Read at scrape time they kept the whole scrape waiting for Hikari's
 * connection timeout once per gauge while PostgreSQL was unreachable (~100 s), so Prometheus marked
 * the node down and lost all its metrics. A failed read is logged at most once a minute ({@link
 * LogThrottle}).
 */
@Component
public class DatabaseReadings {

    public static final String AGE_GAUGE = "renderbank.gauges.age.seconds";

    private static final Logger log = LoggerFactory.getLogger(DatabaseReadings.class);

    private final MeterRegistry meters;
    private final long waitNanos;
    private final LogThrottle failures = new LogThrottle();
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    /**
     * Two threads: a scrape asks one gauge after another, and while the database fails the reads of
     * every gauge wait in this queue (one per gauge at most) instead of taking a connection each.
     */
    private final ExecutorService readers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "gauge-reader");
        t.setDaemon(true);
        return t;
    });

    /** The last read failed, or was not done within the wait: scrapes do not wait until one succeeds. */
    private volatile boolean struggling;

    DatabaseReadings(MeterRegistry meters, MonitoringProperties properties) {
        this.meters = meters;
        this.waitNanos = properties.databaseWait().toNanos();
    }

    /** A group of gauges ({@code source} tag of {@value #AGE_GAUGE}: {@code holds}, {@code mail-outbox} …). */
    public Source source(String name) {
        Source source = new Source(name);
        sources.add(source); // gauges hold their objects weakly
        Gauge.builder(AGE_GAUGE, source, Source::ageSeconds)
                .description("Seconds since the database-backed gauges of this source were last read"
                        + " (at most about the scrape interval while the database answers; NaN before the first read)")
                .tag("source", name)
                .register(meters);
        return source;
    }

    @PreDestroy
    void stop() {
        readers.shutdownNow();
    }

    /** The readings of one source. */
    public final class Source {

        private final String name;
        private final List<Reading<?>> readings = new CopyOnWriteArrayList<>();

        private Source(String name) {
            this.name = name;
        }

        /** A value read by {@code read} (a query) when a gauge asks for it. */
        public <T> Reading<T> reading(Supplier<T> read) {
            Reading<T> reading = new Reading<>(this, read);
            readings.add(reading);
            return reading;
        }

        private double ageSeconds() {
            long oldest = Long.MAX_VALUE;
            for (Reading<?> r : readings) {
                if (r.readAt == null) {
                    return Double.NaN;
                }
                oldest = Math.min(oldest, r.readAt);
            }
            return readings.isEmpty() ? Double.NaN : (System.nanoTime() - oldest) / 1e9;
        }
    }

    /** One value read from the database, the last one kept. */
    public final class Reading<T> {

        private final Source source;
        private final Supplier<T> read;
        private volatile T value;
        private volatile Long readAt;
        private CompletableFuture<T> inFlight;

        private Reading(Source source, Supplier<T> read) {
            this.source = source;
            this.read = read;
        }

        /** {@code figure} of the value read now, or of the last one read; NaN before the first. */
        public double gauge(ToDoubleFunction<T> figure) {
            T v = latest();
            return v == null ? Double.NaN : figure.applyAsDouble(v);
        }

        /** The value read now if the database answers within the wait, else the last one read (null: none). */
        public T latest() {
            if (TransactionSynchronizationManager.isActualTransactionActive()) {
                // a caller inside a transaction (a test asserting a gauge before it rolls back) must see
                // what it wrote, and holds its connection already; a scrape never runs in one. Not kept
                return read.get();
            }
            CompletableFuture<T> next = refresh();
            if (!struggling) {
                try {
                    return next.get(waitNanos, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    struggling = true;
                } catch (ExecutionException e) {
                    // logged by the read
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return value;
        }

        private synchronized CompletableFuture<T> refresh() {
            if (inFlight == null || inFlight.isDone()) {
                try {
                    inFlight = CompletableFuture.supplyAsync(this::readNow, readers);
                } catch (RejectedExecutionException e) {
                    return CompletableFuture.failedFuture(e); // shutting down
                }
            }
            return inFlight;
        }

        private T readNow() {
            try {
                T v = read.get();
                value = v;
                readAt = System.nanoTime();
                struggling = false;
                return v;
            } catch (RuntimeException e) {
                struggling = true;
                Long at = readAt;
                failures.warn(
                        log,
                        "Could not read the {} gauges from the database: they show {} ({})",
                        source.name,
                        at == null
                                ? "NaN until a read succeeds"
                                : "the values read "
                                        + Duration.ofNanos(System.nanoTime() - at)
                                                .toSeconds() + " s ago",
                        DatabaseOutage.rootOf(e));
                throw e;
            }
        }
    }
}
