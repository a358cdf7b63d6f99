package dev.renderbank.generation.internal;

import dev.renderbank.generation.JobEvents;
import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This node's ear for job changes made anywhere: one connection of its own (outside the pool, so a
 * pool under load never starves it and it never holds a pooled connection for hours) that
 * {@code LISTEN}s on {@value #CHANNEL}, the channel a trigger on {@code generation_job} notifies in
 * the transaction of every version bump. Each notification becomes a {@link JobEvents} signal, so
 * an open status stream sees a change committed on another node within the notification's delivery
 * time (milliseconds) instead of its next periodic re-read.
 *
 * <p>Notifications are not stored for absent listeners: after the connection is lost (database
 * restart, {@code pg_terminate_backend}, network) the listener reconnects with backoff and then
 * signals every streamed job once, so what was missed meanwhile is re-read. A connection that died
 * silently is found by a cheap query every {@link #PROBE}.
 */
@Component
class JobChangeListener implements SmartLifecycle {

    static final String CHANNEL = "generation_job_changed";
    /** The listening connection's {@code application_name} (visible in {@code pg_stat_activity}). */
    static final String APPLICATION_NAME = "renderbank-job-listener";

    private static final Logger log = LoggerFactory.getLogger(JobChangeListener.class);
    private static final int WAIT_MILLIS = 500;
    private static final Duration PROBE = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final DatabaseLocation location;
    private final JobEvents events;
    private volatile boolean listening;
    private volatile CountDownLatch stop = new CountDownLatch(0);
    private volatile Thread thread;

    JobChangeListener(DatabaseLocation location, JobEvents events, MeterRegistry meters) {
        this.location = location;
        this.events = events;
        Gauge.builder("renderbank.events.listening", this, l -> l.listening ? 1 : 0)
                .description("1 while this node listens for job changes made on any node (LISTEN/NOTIFY)")
                .register(meters);
    }

    @Override
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        stop = new CountDownLatch(1);
        Thread t = new Thread(this::run, "job-change-listener");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public synchronized void stop() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        stop.countDown();
        try {
            t.join(2 * WAIT_MILLIS + 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    private boolean stopping() {
        return stop.getCount() == 0;
    }

    private void run() {
        Duration retry = FIRST_RETRY;
        while (!stopping()) {
            try (Connection c = connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                retry = FIRST_RETRY;
                events.changedAll(); // whatever changed while nobody listened is re-read
                relay(c);
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (stopping()) {
                    break;
                }
                log.warn("Listening for job changes failed ({}); retrying in {} ms", e.getMessage(), retry.toMillis());
                if (await(retry)) {
                    break;
                }
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
            }
        }
        listening = false;
    }

    /** Hands notifications on until the connection fails or the node stops. */
    private void relay(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long probed = System.nanoTime();
        while (!stopping()) {
            PGNotification[] notes = pg.getNotifications(WAIT_MILLIS);
            if (notes != null) {
                for (PGNotification note : notes) {
                    events.changed(note.getParameter());
                }
            }
            if (System.nanoTime() - probed > PROBE.toNanos()) {
                try (Statement s = c.createStatement()) {
                    s.execute("select 1");
                }
                probed = System.nanoTime();
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (location.username() != null) {
            p.setProperty("user", location.username());
        }
        if (location.password() != null) {
            p.setProperty("password", location.password());
        }
        p.setProperty("ApplicationName", APPLICATION_NAME);
        p.setProperty("connectTimeout", "10");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(location.url(), p);
    }

    /** Waits, unless the node stops first; true when it does. */
    private boolean await(Duration d) {
        try {
            return stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
