package dev.renderbank.platform;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One WARN line per {@link #INTERVAL} for a failure that repeats: the first is written at once, the
 * repeats within the interval are counted, and the next line written says how many were left out.
 * During a database outage, lines written per request or per open stream flooded the log (and the
 * disk) with one line each while saying nothing new. Measured on a monotonic clock (not the
 * application's {@code Clock}, which tests move), since it is about the log's volume in real time.
 */
public final class LogThrottle {

    /** At most one line per this long. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long suppressed;
    private long nextAt;
    private boolean started;

    public LogThrottle() {
        this(INTERVAL, System::nanoTime);
    }

    /** A throttle on its own interval and clock (tests: a ticker they move). */
    public LogThrottle(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Writes {@code format} with {@code args} at WARN if no line was written within the interval,
     * adding how many were left out since the last one; otherwise counts it.
     */
    public void warn(Logger log, String format, Object... args) {
        long left = pass();
        if (left < 0) {
            return;
        }
        if (left == 0) {
            log.warn(format, args);
            return;
        }
        Object[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = left;
        log.warn(format + " ({} more like it not logged since the last such line)", all);
    }

    /** How many lines were left out since the last written one, if this one is written; else -1. */
    synchronized long pass() {
        long now = nanoTime.getAsLong();
        if (started && now - nextAt < 0) {
            suppressed++;
            return -1;
        }
        started = true;
        nextAt = now + intervalNanos;
        long left = suppressed;
        suppressed = 0;
        return left;
    }
}
