package dev.renderbank.platform;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What the background work (db-scheduler) and the connection pool (HikariCP) log while PostgreSQL is
 * unreachable: one line when it starts (since when, and the first failure's message chain), one line a
 * minute while it lasts (how many of their failures were not logged), one line when it answers again.
 * On their own they logged an ERROR with a full stack trace per poll and per housekeeping run (several a
 * second per node: "Unhandled exception. Will keep running."), and a WARN with one per broken pooled
 * connection, burying the lines operators need. Only their lines (INFO and above: db-scheduler logs a
 * failed heartbeat at INFO, with its stack trace) whose exception is a database outage ({@link
 * DatabaseOutage#causedBy}, or one it carries as suppressed) are taken over: a task that fails for a
 * reason of its own still logs its stack trace. The first such failure is written as it came (its stack
 * trace once), and a probe asks the pool for a connection at once: the outage starts only if that fails too
 * (a single connection ended by the server is no outage). While an outage is on, a probe asks every few
 * seconds, to say when it ends: two probes in a row that answer, with no failure between them.
 */
@Component
class OutageLog {

    /** The loggers whose outage failures are counted instead of written one by one. */
    static final List<String> LOGGERS = List.of("com.github.kagkarlsson.scheduler", "com.zaxxer.hikari");

    /** Hikari's WARN for an idle connection that no longer answers (one per pooled connection). */
    static final String STALE_CONNECTION = "Failed to validate connection";

    static final Duration SUMMARY_INTERVAL = LogThrottle.INTERVAL;
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(OutageLog.class);

    /**
     * The one taking the lines: the last made. One filter per process, so that a second application
     * context in the same JVM (tests) does not leave an older one counting (and hiding) the lines.
     */
    private static final AtomicReference<OutageLog> CURRENT = new AtomicReference<>();

    private static final TurboFilter FILTER = new TurboFilter() {
        @Override
        public FilterReply decide(
                Marker marker,
                ch.qos.logback.classic.Logger logger,
                Level level,
                String format,
                Object[] params,
                Throwable t) {
            OutageLog taking = CURRENT.get();
            return taking != null && taking.taken(logger.getName(), level, format, params, t)
                    ? FilterReply.DENY
                    : FilterReply.NEUTRAL;
        }
    };

    private final DataSource dataSource;
    private final LongSupplier nanoTime;
    private final long summaryNanos;
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "outage-log-probe");
        t.setDaemon(true);
        return t;
    });

    private boolean down;
    private Instant since;
    private long startedAt;
    private long nextSummaryAt;
    private long uncounted;
    private long total;
    private String last;
    /** The failures counted when a probe last answered during this outage; -1: the last probe failed. */
    private long confirmedAt = -1;
    /** Failures since the first one outside an outage, while its probe runs; -1: none under way. */
    private long suspected = -1;

    private String firstFrom;
    private String first;

    @Autowired
    OutageLog(DataSource dataSource) {
        this(dataSource, System::nanoTime, SUMMARY_INTERVAL, PROBE_INTERVAL);
    }

    /** A summary interval on a ticker tests move, and a probe as often as they need. */
    OutageLog(DataSource dataSource, LongSupplier nanoTime, Duration summaryInterval, Duration probeInterval) {
        this.dataSource = dataSource;
        this.nanoTime = nanoTime;
        this.summaryNanos = summaryInterval.toNanos();
        // Spring Boot has configured logging by the time beans are made (it resets the context first)
        CURRENT.set(this);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            synchronized (OutageLog.class) {
                if (!context.getTurboFilterList().contains(FILTER)) {
                    context.addTurboFilter(FILTER);
                }
            }
        }
        long every = probeInterval.toMillis();
        probe.scheduleWithFixedDelay(this::probe, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        probe.shutdownNow();
        CURRENT.compareAndSet(this, null);
    }

    private boolean taken(String logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || !level.isGreaterOrEqual(Level.INFO) || !ofTheLibraries(logger)) {
            return false;
        }
        Throwable failure = t != null
                ? t
                : params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last
                        ? last
                        : null;
        if (failure == null) {
            // the pool's line per pooled connection found dead, without a stack trace: counted once it is known down
            return format != null && format.contains(STALE_CONNECTION) && counted();
        }
        if (!OutageFailures.outage(failure, 0)) {
            return false;
        }
        return failed(logger, failure);
    }

    /** Whether the logger is one of {@link #LOGGERS}' (asked of every INFO line and above: no stream). */
    private static boolean ofTheLibraries(String logger) {
        for (int i = 0; i < LOGGERS.size(); i++) {
            if (logger.startsWith(LOGGERS.get(i))) {
                return true;
            }
        }
        return false;
    }

    private synchronized boolean counted() {
        if (down) {
            uncounted++;
            total++;
        }
        return down;
    }

    /**
     * Whether the failure is taken (not written). The first one outside an outage is written as it came,
     * and a probe asks at once whether PostgreSQL answers: one connection ended by the server ({@code
     * pg_terminate_backend}, a dropped idle connection) is no outage, and only a probe that fails too
     * starts one. The failures meanwhile are counted.
     */
    private synchronized boolean failed(String logger, Throwable failure) {
        last = OutageFailures.chain(failure);
        if (down) {
            uncounted++;
            total++;
            return true;
        }
        if (suspected >= 0) {
            suspected++;
            return true;
        }
        suspected = 0;
        firstFrom = logger;
        first = last;
        since = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try {
            probe.execute(this::confirm);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            suspected = -1; // stopping
        }
        return false;
    }

    /** The probe right after a first failure: starts the outage unless PostgreSQL answers. */
    void confirm() {
        boolean answers = answers();
        synchronized (this) {
            if (suspected < 0) {
                return;
            }
            long meanwhile = suspected;
            suspected = -1;
            if (answers) {
                if (meanwhile > 0) {
                    log.warn(
                            "{} failures of background work or connections not logged while PostgreSQL was asked"
                                    + " whether it answers, and it did (the last: {})",
                            meanwhile,
                            last);
                }
                return;
            }
            down = true;
            startedAt = nanoTime.getAsLong();
            nextSummaryAt = startedAt + summaryNanos;
            uncounted = meanwhile;
            total = 1 + meanwhile;
            confirmedAt = -1;
            log.error(
                    "PostgreSQL unreachable since {}: background work and new connections fail until it answers."
                            + " Their failures are counted, one line a minute, not logged one by one. First, from {}: {}",
                    since,
                    firstFrom,
                    first);
        }
    }

    private boolean answers() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** While an outage is on: the summary once its minute is up, or the line that ends it. */
    void probe() {
        synchronized (this) {
            if (!down) {
                return;
            }
        }
        boolean answers = answers();
        synchronized (this) {
            if (!down) {
                return;
            }
            long now = nanoTime.getAsLong();
            long seconds = Duration.ofNanos(now - startedAt).toSeconds();
            // one connection can still be had while the server shuts down (or pass while it flaps): the
            // end is told once a second probe answers too, with no failure counted in between
            if (answers && confirmedAt == total) {
                down = false;
                log.warn(
                        "PostgreSQL answers again, after {} s unreachable (since {}): {} failures of background work"
                                + " and connections in all, {} not logged since the last line",
                        seconds,
                        since,
                        total,
                        uncounted);
                return;
            }
            confirmedAt = answers ? total : -1;
            if (now - nextSummaryAt >= 0) {
                nextSummaryAt = now + summaryNanos;
                log.warn(
                        "PostgreSQL still unreachable, since {} ({} s): {} failures of background work and connections"
                                + " not logged since the last line; the last: {}",
                        since,
                        seconds,
                        uncounted,
                        last);
                uncounted = 0;
            }
        }
    }
}
