package dev.renderbank.generation.internal;

import dev.renderbank.generation.GenerationProperties;
import dev.renderbank.generation.JobState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * <p>(A little over 300 lines, most of them the why of the hand-overs: the per-job guard, the pool
 * and its stop share one map and one lifecycle, and read best together.)
 */
@Component
public class CallbackChecks implements SmartLifecycle {

    /** Below the web server's stop ({@code DEFAULT_PHASE - 2048}): no callback comes in after this stopped. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    /** How long a stop waits for the checks under way (db-scheduler's own shutdown wait); then they are cut. */
    static final Duration DRAIN = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(CallbackChecks.class);

    private final JobStore jobs;
    private final JobPolling polling;
    private final LateDeliveries late;
    private final Clock clock;
    private final Duration drain;
    private final int threads;
    private final int queue;
    /** A new one at each start (a stopped one takes nothing); shut down until the first. */
    private volatile ThreadPoolExecutor executor;
    /** Jobs with a check queued or running here; true: another callback came since it started. */
    private final ConcurrentHashMap<String, Boolean> pending = new ConcurrentHashMap<>();

    private final Counter queueFull;
    private final Counter stopped;
    private final Counter failed;
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
        this.jobs = jobs;
        this.polling = polling;
        this.late = late;
        this.clock = clock;
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
        this.failed = handedOver(meters, "error");
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
        if (lateResultMayCome(job)) {
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
                    lateResultMayCome(job) ? "durable late-delivery task asks the provider" : "own task polls it");
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
                checkOnce(jobId);
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

    private void checkOnce(String jobId) {
        try {
            // re-read: the job may have moved on while the check waited (finished by its task, failed);
            // inside the try: a database that fails this read hands the job over like any other failure
            Optional<Job> found = jobs.find(jobId);
            if (found.isEmpty()) {
                return;
            }
            Job job = found.get();
            try (var logContext = JobLogContext.of(job)) {
                if (lateResultMayCome(job)) {
                    polling.checkLateDelivery(job);
                } else if (!job.state().isTerminal() && job.providerTaskId() != null) {
                    polling.poll(job, clock.instant());
                }
            }
        } catch (RuntimeException e) {
            // the callback was answered: its hint must not end here (a live job's task polls anyway)
            log.warn("job {}: the check after its provider callback failed", jobId, e);
            failed.increment();
            handOver(jobId, "its check failed");
        }
    }

    /** A failed job whose provider task may still deliver: only its late-delivery task asks again. */
    static boolean lateResultMayCome(Job job) {
        return job.state() == JobState.FAILED && job.assetId() == null && job.providerTaskId() != null;
    }

    /**
     * The job, as it is now, is left to its durable work: never throws (a stop goes on). A failed job's
     * late-delivery task was scheduled by its callback, or here when the job failed since.
     */
    private void handOver(String jobId, String why) {
        try {
            Job job = jobs.find(jobId).orElse(null);
            if (job == null) {
                return;
            }
            if (lateResultMayCome(job)) {
                log.info("job {}: {}; its durable late-delivery task asks the provider instead", job.id(), why);
                late.checkLater(job.id());
            } else {
                log.info("job {}: {}; its own task polls it instead", job.id(), why);
            }
        } catch (RuntimeException e) {
            log.warn("job {}: its check could not be handed over ({})", jobId, why, e);
        }
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
            handOver(jobId, "stopping");
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
