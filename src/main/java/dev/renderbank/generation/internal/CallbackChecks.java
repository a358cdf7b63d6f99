package dev.renderbank.generation.internal;

import dev.renderbank.generation.GenerationProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * What a provider callback sets off once it is answered: the provider is asked about the job and, when
 * it has finished, its result is copied to our storage and the job finished (a live job's poll, or a
 * failed job's free late delivery). That copy can take minutes (a big video), while KIE waits 15 s for
 * the callback's answer and then sends it again; so it runs here, on threads of its own
 * ({@code provider-callback-N}, {@code renderbank.jobs.callback-concurrency} of them), never on the
 * callback's request thread.
 *
 * <p>A job has at most one check queued or running on this node: a callback repeated meanwhile starts
 * no second copy; it only asks for one more look once the check under way has ended (the job is then
 * re-read: finished, that costs one read). Finishing stays a compare-and-set with its money move
 * ({@link JobFinisher}), so a check racing the job's own task or another node still captures once.
 *
 * <p>Nothing depends on a check running here: it is only the fast path. A live job's own durable task
 * polls it anyway (within {@code renderbank.jobs.max-poll}). A failed job's durable late-delivery task
 * ({@link LateDeliveries#checkLater}), which nothing else would schedule for it, is scheduled before
 * the callback is answered; its tries wait while the check runs here. So past {@code
 * renderbank.jobs.callback-queue} waiting checks, at a stop (checks still waiting, or still running
 * after {@link #DRAIN}), after an error, or when the node dies, the job is left to that durable work. A
 * {@link SmartLifecycle} in phase {@link #PHASE}: it stops after the web server (no callback arrives
 * afterwards) and before the database and db-scheduler close (a stop re-reads the jobs it leaves, and
 * schedules the late-delivery task of one that failed since its callback).
 *
 * <p>What one check does, and the hand-over of a job not checked here, is {@link CallbackCheck}'s;
 * here are the per-job guard, the pool and its stop, which share one map and one lifecycle.
 */
@Component
public class CallbackChecks implements SmartLifecycle {

    /** Below the web server's stop ({@code DEFAULT_PHASE - 2048}): no callback comes in after this stopped. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    /** How long a stop waits for the checks under way (db-scheduler's own shutdown wait); then they are cut. */
    static final Duration DRAIN = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(CallbackChecks.class);

    private final LateDeliveries late;
    private final CallbackCheck check;
    private final Duration drain;
    private final int threads;
    private final int queue;
    /** A new one at each start (a stopped one takes nothing); shut down until the first. */
    private volatile ThreadPoolExecutor executor;
    /** Jobs with a check queued or running here; true: another callback came since it started. */
    private final ConcurrentHashMap<String, Boolean> pending = new ConcurrentHashMap<>();

    private final Counter queueFull;
    private final Counter stopped;
    private final AtomicBoolean running = new AtomicBoolean();

    @Autowired
    CallbackChecks(
            JobStore jobs,
            JobPolling polling,
            LateDeliveries late,
            Clock clock,
            GenerationProperties props,
            MeterRegistry meters) {
        this(
                jobs,
                polling,
                late,
                clock,
                meters,
                props.jobs().callbackConcurrency(),
                props.jobs().callbackQueue(),
                DRAIN);
    }

    /** Sizes and the stop's wait given (tests fill the queue with a few checks). */
    CallbackChecks(
            JobStore jobs,
            JobPolling polling,
            LateDeliveries late,
            Clock clock,
            MeterRegistry meters,
            int threads,
            int queue,
            Duration drain) {
        this.late = late;
        this.drain = drain;
        this.threads = threads;
        this.queue = queue;
        this.executor = newExecutor(threads, queue);
        this.executor.shutdown();
        Gauge.builder(
                        "renderbank.callback.checks.queued",
                        this,
                        c -> c.executor.getQueue().size())
                .description("provider callbacks answered whose check waits for a thread on this node")
                .register(meters);
        Gauge.builder("renderbank.callback.checks.running", this, c -> c.executor.getActiveCount())
                .description("provider callbacks answered whose check (provider query, result copy) runs now")
                .register(meters);
        this.queueFull = handedOver(meters, "queue-full");
        this.stopped = handedOver(meters, "stopping");
        this.check = new CallbackCheck(jobs, polling, late, clock, handedOver(meters, "error"));
    }

    private static Counter handedOver(MeterRegistry meters, String reason) {
        return Counter.builder("renderbank.callback.checks.handed.over")
                .description("callback checks not run here, left to the job's durable task (live) or its"
                        + " durable late-delivery task (failed)")
                .tag("reason", reason)
                .register(meters);
    }

    /**
     * The job, as its callback found it, is checked soon, off the caller's thread: a live job with a
     * provider task is polled, a failed one's late result asked for. Returns at once.
     */
    void checkSoon(Job job) {
        String jobId = job.id();
        boolean[] first = new boolean[1];
        pending.compute(jobId, (id, again) -> {
            first[0] = again == null;
            return !first[0];
        });
        if (!first[0]) {
            // its check is queued or running: it looks once more when it ends, and copies nothing twice
            log.debug("job {}: a check for its callback is already under way", jobId);
            return;
        }
        if (CallbackCheck.lateResultMayCome(job)) {
            // durable before the callback is answered: nothing else asks for this result, and a node
            // that dies before its check ran must not lose it (the task defers while the check runs)
            try {
                late.checkLater(jobId);
            } catch (RuntimeException e) {
                pending.remove(jobId);
                throw e; // the callback is not answered 200: the provider sends it again
            }
        }
        try {
            executor.execute(() -> run(jobId));
        } catch (RejectedExecutionException e) {
            pending.remove(jobId);
            boolean full = running.get();
            (full ? queueFull : stopped).increment();
            log.info(
                    "job {}: {}; its {} instead",
                    jobId,
                    full ? "the callback checks' queue is full" : "callback checks have stopped",
                    CallbackCheck.lateResultMayCome(job)
                            ? "durable late-delivery task asks the provider"
                            : "own task polls it");
        }
    }

    /** No check queued or running on this node. */
    public boolean idle() {
        return pending.isEmpty();
    }

    /** No check of this job queued or running on this node. */
    public boolean idle(String jobId) {
        return !pending.containsKey(jobId);
    }

    private void run(String jobId) {
        boolean ended = false;
        try {
            do {
                check.run(jobId);
                if (Thread.currentThread().isInterrupted()) {
                    ended = true;
                    return; // cut short by a stop, which hands the job over
                }
            } while (lookAgain(jobId));
            ended = true;
        } finally {
            if (!ended) {
                // an Error left the check: the job is not left marked as under way (every later callback
                // and its late-delivery task would wait on a check that never ends)
                pending.remove(jobId);
            }
        }
    }

    /** True (and the mark cleared) when a callback came while the job was checked; else it is done here. */
    private boolean lookAgain(String jobId) {
        return pending.computeIfPresent(jobId, (id, again) -> again ? Boolean.FALSE : null) != null;
    }

    private static ThreadPoolExecutor newExecutor(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        BlockingQueue<Runnable> waiting = queue > 0 ? new ArrayBlockingQueue<>(queue) : new SynchronousQueue<>();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, waiting, r -> {
            Thread t = new Thread(r, "provider-callback-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // an idle node holds no threads for callbacks
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    @Override
    public synchronized void start() {
        if (!running.get()) {
            executor.shutdown();
            executor = newExecutor(threads, queue);
            running.set(true);
        }
    }

    /**
     * Checks still waiting are dropped at once; those running get {@link #DRAIN}, then are cut
     * (interrupted). Each job left is handed to its durable work. A hand-over of a check that ended
     * meanwhile is harmless: the late-delivery task finds the result stored and ends.
     */
    @Override
    public synchronized void stop() {
        if (!running.getAndSet(false)) {
            return;
        }
        ThreadPoolExecutor executor = this.executor;
        executor.getQueue().clear(); // their jobs stay pending: handed over below
        executor.shutdown();
        List<String> left;
        try {
            boolean ended = executor.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
            // taken before the cut: a check cut short may still end as if done (its error swallowed)
            left = List.copyOf(pending.keySet());
            if (!ended) {
                executor.shutdownNow();
                executor.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            left = List.copyOf(pending.keySet());
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (!left.isEmpty()) {
            log.info("stopping: {} callback checks not done here are handed over", left.size());
        }
        for (String jobId : left) {
            pending.remove(jobId);
            stopped.increment();
            check.handOver(jobId, "stopping");
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Not stopped when a test's cached context is paused: its checks go on as the web server's
     * requests do (a stop would hand them over and wait for the ones running).
     */
    @Override
    public boolean isPauseable() {
        return false;
    }
}
