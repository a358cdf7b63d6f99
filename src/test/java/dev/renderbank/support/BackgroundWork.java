package dev.renderbank.support;

import dev.renderbank.generation.JobView;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.generation.internal.CallbackChecks;
import dev.renderbank.provider.simulator.KieSimulator;
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
     * exact), then waits until for three seconds no business row has changed and no simulator task
     * was left to end (a failed job's, finished or not, or any still running): a failed job leaves
     * its provider task running, and its result (also one finished but not collected yet), by
     * callback or by the late-delivery check 30 s on, would be stored as a free late delivery
     * (asset, mail) in the middle of the count. The consequences of the stops and of the caller's own
     * set-up (receipts, deliveries, attempts) are written by background handlers a moment later. A
     * provider callback is answered before its check (provider query, result copy) runs on {@link
     * CallbackChecks}' threads: quiet means none of those is queued or running either.
     */
    public static void settle(JdbcClient jdbc, OperatorJobs jobs, KieSimulator simulator, CallbackChecks checks) {
        for (int pass = 0; pass < 5; pass++) { // bounded: a job that will not stop is the count's to report
            List<JobView> live = jobs.liveAcceptedBefore(Instant.now(), 500);
            live.forEach(job -> jobs.failAndRelease(job.id())); // a test needs a quiet database
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
                    // on every pass: a submit in flight when its job failed records its task a moment later
                    int tasksEnded = simulator.failTasks(
                            jdbc.sql("""
                                    select provider_task_id from generation_job
                                     where state = 'FAILED' and asset_id is null and provider_task_id is not null""").query(String.class).list());
                    // and any task still running: one whose submit answer was lost names no job here
                    tasksEnded += simulator.failRunningTasks();
                    Map<String, Long> now = BusinessRows.of(jdbc);
                    if (!now.equals(last.getAndSet(now)) || tasksEnded > 0 || !checks.idle()) {
                        since.set(System.nanoTime());
                    }
                    return System.nanoTime() - since.get() >= QUIET.toNanos();
                });
    }
}
