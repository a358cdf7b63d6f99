package dev.renderbank.platform;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.Closeable;
import java.io.IOException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Releases what the embedded PostgreSQL's launcher holds for a server whose postmaster is already
 * gone (its lock on the data directory) without the launcher's own ERROR and stack trace: asked to
 * stop that server, the launcher's {@code pg_ctl stop} finds nothing to stop, and it logged "Could not
 * stop postmaster" with a stack trace at every restart of the embedded database, after the
 * supervisor's own line had already said what happened. Only the launcher's warnings and errors on the
 * releasing thread, during the release, are dropped; everything else it logs, and everything it logs
 * elsewhere, is kept.
 */
final class GoneServerRelease {

    static final String LAUNCHER_LOGGERS = "io.zonky.test.db.postgres";

    private static final ThreadLocal<Boolean> RELEASING = new ThreadLocal<>();

    private static final TurboFilter QUIET_WHILE_RELEASING = new TurboFilter() {
        @Override
        public FilterReply decide(
                Marker marker,
                ch.qos.logback.classic.Logger logger,
                Level level,
                String format,
                Object[] params,
                Throwable t) {
            return Boolean.TRUE.equals(RELEASING.get())
                            && level != null
                            && level.isGreaterOrEqual(Level.WARN)
                            && logger.getName().startsWith(LAUNCHER_LOGGERS)
                    ? FilterReply.DENY
                    : FilterReply.NEUTRAL;
        }
    };

    private GoneServerRelease() {}

    /** Closes {@code stop}, the launcher of a server whose postmaster has exited. */
    static void release(Closeable stop) throws IOException {
        installed();
        RELEASING.set(Boolean.TRUE);
        try {
            stop.close();
        } finally {
            RELEASING.remove();
        }
    }

    private static void installed() {
        // Spring Boot resets the logging context when (another) application starts: add it again then
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            synchronized (GoneServerRelease.class) {
                if (!context.getTurboFilterList().contains(QUIET_WHILE_RELEASING)) {
                    context.addTurboFilter(QUIET_WHILE_RELEASING);
                }
            }
        }
    }
}
