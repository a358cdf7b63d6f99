package dev.renderbank.support;

import dev.renderbank.generation.JobView;
import dev.renderbank.generation.OperatorJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * For tests that count every business row around a request ({@link BusinessRows}): the shared test
 * database must hold still while they count. Jobs that earlier test classes left running (a
 * simulator told to take minutes or hours) would finish in the middle of the count, and their
 * capture, asset, mail and webhook rows would look like the request's writes.
 */
public final class BackgroundWork {

    private static final Duration QUIET = Duration.ofSeconds(3);

    private BackgroundWork() {}

    /**
     * Stops every job still live (through the operator's fail-and-release, so the books stay
     * exact), then waits until no business row has changed for three seconds: the consequences of
     * those stops and of the caller's own set-up (receipts, deliveries, attempts) are written by
     * background handlers a moment later.
     */
    public static void settle(JdbcClient jdbc, OperatorJobs jobs) {
        for (int pass = 0; pass < 5; pass++) { // bounded: a job that will not stop is the count's to report
            List<JobView> live = jobs.liveAcceptedBefore(Instant.now(), 500);
            live.forEach(job -> jobs.failAndRelease(job.id(), "a test needs a quiet database"));
            if (live.size() < 500) {
                break;
            }
        }
        AtomicReference<Map<String, Long>> last = new AtomicReference<>(BusinessRows.of(jdbc));
        AtomicLong since = new AtomicLong(System.nanoTime());
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<String, Long> now = BusinessRows.of(jdbc);
                    if (!now.equals(last.getAndSet(now))) {
                        since.set(System.nanoTime());
                    }
                    return System.nanoTime() - since.get() >= QUIET.toNanos();
                });
    }
}
