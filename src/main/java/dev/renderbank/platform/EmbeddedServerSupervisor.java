package dev.renderbank.platform;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded PostgreSQL this process runs running: when its postmaster exits while the
 * process still does (the kernel's out-of-memory killer, a {@code kill -9} of the postmaster alone,
 * a crash), it is started again on the same port and data, so the pool's connections come back on
 * their own and requests that need the database answer 503 only meanwhile. Without this the service
 * stayed up answering 503 until someone restarted it.
 *
 * <p>PostgreSQL's own interlock keeps the new server off the data while backends of the dead one
 * still run (its {@code postmaster.pid} names their shared memory, which is never removed here): a
 * start waits two seconds for them, and one it refuses is tried again, one second later at first, at most a minute apart. A stop of this
 * process stops the server it runs at that moment, and nothing is started after that.
 */
final class EmbeddedServerSupervisor implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServerSupervisor.class);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    private static final Duration RETRY_AT_MOST = Duration.ofMinutes(1);
    private static final Duration ORPHANS_GONE = Duration.ofSeconds(2);

    /** Starts the server again on the same port; the first start's settings. */
    interface Restart {
        EmbeddedDatabase.Server start() throws IOException;
    }

    private final Path pgDir;
    private final Restart restart;
    private final ScheduledExecutorService timer;
    private volatile boolean closed;
    // guarded by this
    private EmbeddedDatabase.Server server;
    private long pid;
    private Optional<PostgresWatchdog> watchdog;
    private long downSinceNanos;
    private long nextTryNanos;
    private Duration retryAfter = CHECK_EVERY;

    private EmbeddedServerSupervisor(Path pgDir, EmbeddedDatabase.Server server, Restart restart) {
        this.pgDir = pgDir;
        this.restart = restart;
        this.server = server;
        this.pid = launched(pgDir);
        this.watchdog = PostgresWatchdog.watch(pgDir, pid);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "embedded-postgres-supervisor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Watches {@code server}, just started in {@code pgDir}, and its postmaster from now on. */
    static EmbeddedServerSupervisor watch(Path pgDir, EmbeddedDatabase.Server server, Restart restart) {
        EmbeddedServerSupervisor supervisor = new EmbeddedServerSupervisor(pgDir, server, restart);
        supervisor.timer.scheduleWithFixedDelay(
                supervisor::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return supervisor;
    }

    /** The postmaster's pid, for tests and logs. */
    synchronized long pid() {
        return pid;
    }

    private static long launched(Path pgDir) {
        return Postmaster.read(pgDir).map(Postmaster::pid).orElse(-1L);
    }

    private void check() {
        try {
            checkOnce();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again
            log.error("Checking the embedded PostgreSQL of {} failed", pgDir, e);
        }
    }

    private synchronized void checkOnce() {
        if (closed || Postmaster.running(pgDir).filter(p -> p.pid() == pid).isPresent()) {
            return;
        }
        long now = System.nanoTime();
        if (server != null) {
            downSinceNanos = now;
            log.error(
                    "The embedded PostgreSQL (pid {}) of {} exited while renderbank still runs (killed, out of"
                            + " memory or crashed): starting it again on port {}. Requests that need the database"
                            + " answer 503 until it is back",
                    pid,
                    pgDir,
                    server.port());
            releaseGone(server);
            server = null;
            // its backends notice within a moment and exit; PostgreSQL refuses to start before they have
            nextTryNanos = now + ORPHANS_GONE.toNanos();
            return;
        }
        if (now - nextTryNanos < 0) {
            return;
        }
        try {
            EmbeddedDatabase.Server started = restart.start();
            if (closed) {
                // stopped while this start ran: nothing outlives the stop
                stopQuietly(started);
                return;
            }
            server = started;
            long before = pid;
            pid = launched(pgDir);
            Optional<PostgresWatchdog> old = watchdog;
            // the old watchdog's pid no longer matches postmaster.pid: it exits without a signal
            watchdog = PostgresWatchdog.watch(pgDir, pid);
            old.ifPresent(PostgresWatchdog::close);
            retryAfter = CHECK_EVERY;
            log.warn(
                    "The embedded PostgreSQL of {} is back on port {} (pid {}, was {}) after {} ms",
                    pgDir,
                    started.port(),
                    pid,
                    before,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downSinceNanos));
        } catch (IOException | RuntimeException e) {
            if (closed) {
                // the service's stop interrupted this start: close() stops whatever it launched
                log.info(
                        "Starting the embedded PostgreSQL of {} again was cut short by the stop: {}",
                        pgDir,
                        e.toString());
                return;
            }
            log.error(
                    "Could not start the embedded PostgreSQL of {} again ({}); trying again in {} s",
                    pgDir,
                    e.toString(),
                    retryAfter.toSeconds());
            // a start that failed leaves its launcher's lock on the directory to the garbage collector
            // (zonky keeps it in an instance nobody can close): collect it before the next start
            System.gc();
            nextTryNanos = System.nanoTime() + retryAfter.toNanos();
            retryAfter = retryAfter.multipliedBy(2).compareTo(RETRY_AT_MOST) > 0
                    ? RETRY_AT_MOST
                    : retryAfter.multipliedBy(2);
        }
    }

    /** A server whose postmaster is gone: releases what its launcher holds (its lock on the directory). */
    private static void releaseGone(EmbeddedDatabase.Server server) {
        try {
            GoneServerRelease.release(server.stop());
        } catch (IOException | RuntimeException e) {
            log.debug("Releasing the launcher of the embedded PostgreSQL that exited: {}", e.toString());
        }
    }

    private static void stopQuietly(EmbeddedDatabase.Server server) {
        try {
            server.stop().close();
        } catch (IOException | RuntimeException e) {
            log.debug("Stopping the embedded PostgreSQL: {}", e.toString());
        }
    }

    /** Stops the server running now and its watchdog; nothing is started again after this. */
    @Override
    public void close() throws IOException {
        closed = true;
        timer.shutdownNow();
        synchronized (this) {
            try {
                if (server != null) {
                    server.stop().close();
                    server = null;
                } else {
                    // down, or a start again cut short by this stop (it may have launched a server that
                    // is still recovering): this process owns the directory, so a server of it is ours
                    Postmaster.running(pgDir).ifPresent(pm -> Postmaster.stopLaunched(pgDir, pm.pid()));
                }
            } finally {
                watchdog.ifPresent(PostgresWatchdog::close);
            }
        }
    }
}
