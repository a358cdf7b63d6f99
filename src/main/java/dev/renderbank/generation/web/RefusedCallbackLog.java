package dev.renderbank.generation.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * The log of refused provider callbacks: at most one line a second, with how many were refused since
 * the last line, and the path's job id cut to {@value #SHOWN_ID_CHARS} characters. The callback route
 * is public (KIE cannot sign in), so a flood of made-up callbacks wrote one WARN line each, echoing a
 * path of up to 8 KB: gigabytes of log an hour, burying the real lines.
 */
final class RefusedCallbackLog {

    static final int SHOWN_ID_CHARS = 64;

    private static final long EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final Logger log;
    private final AtomicLong lastLine = new AtomicLong(System.nanoTime() - EVERY_NANOS);
    private final AtomicLong notLogged = new AtomicLong();

    RefusedCallbackLog(Logger log) {
        this.log = log;
    }

    void refused(String jobId, String why) {
        long last = lastLine.get();
        long now = System.nanoTime();
        if (now - last < EVERY_NANOS || !lastLine.compareAndSet(last, now)) {
            notLogged.incrementAndGet();
            return;
        }
        long more = notLogged.getAndSet(0);
        log.warn(
                "provider callback for {} refused: {}{}",
                shown(jobId),
                why,
                more == 0 ? "" : " (and " + more + " more refused callbacks since the last such line)");
    }

    private static String shown(String jobId) {
        return jobId.length() <= SHOWN_ID_CHARS ? jobId : jobId.substring(0, SHOWN_ID_CHARS) + "…";
    }
}
