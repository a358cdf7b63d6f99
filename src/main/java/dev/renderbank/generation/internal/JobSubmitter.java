package dev.renderbank.generation.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.renderbank.generation.GenerationProperties;
import dev.renderbank.provider.ProviderGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Submits a job right after its accept commits, on this node, without waiting for the scheduler to
 * pick its task (issue 15: from accept to SUBMITTED in three commits, not five: the accept, the
 * submit-started mark, and the submitted mark with the task's reschedule). The accept schedules the
 * job's task {@code renderbank.jobs.submit-fallback} later rather than now; it only runs the submit
 * itself when this node never did (the node died, or the submit found the provider refusing
 * work), and then, as always, never sends a job whose submit was already started.
 *
 * <p>On when db-scheduler's {@code immediate-execution-enabled} is (the same promise: work that is
 * due is started at once on the node that made it due); where it is off, every job goes through its
 * task as before. The slots are taken before the accept's transaction, so a job that gets one is
 * always handed over; without one (all threads and the queue busy) the task is due at once instead.
 * Provider calls run on this pool's threads, never on the accepting request's.
 *
 * <p>Its size is {@code renderbank.jobs.submit-concurrency}, not the scheduler's thread count: a
 * thread spends almost all of a submit waiting for the provider's answer (it holds no database
 * connection meanwhile), so the submits per second are this size divided by the provider's latency
 * (8 threads and 300 ms: about 27/s; 64: about 210/s). Idle threads end after a minute. Their database
 * writes go through {@link SubmitConnections}: at most {@code renderbank.jobs.submit-connections} hold a
 * connection at once, whatever this size.
 */
@Component
class JobSubmitter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobSubmitter.class);

    private final JobDriver driver;
    private final ProviderGateway provider;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final boolean enabled;
    private final Semaphore slots;
    private final ThreadPoolExecutor pool;
    /** The jobs whose submits run now: named when a stop could not wait for them. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    /**
     * {@code scheduling} is absent where db-scheduler is switched off ({@code db-scheduler.enabled=false},
     * e.g. a start that only runs a command): then nothing is submitted here either.
     */
    JobSubmitter(
            JobDriver driver,
            ProviderGateway provider,
            ObjectProvider<SchedulerClient> scheduler,
            ObjectProvider<DbSchedulerProperties> scheduling,
            GenerationProperties props) {
        this.driver = driver;
        this.provider = provider;
        this.scheduler = scheduler;
        DbSchedulerProperties settings = scheduling.getIfAvailable();
        this.enabled = settings != null && settings.isEnabled() && settings.isImmediateExecutionEnabled();
        int threads = props.jobs().submitConcurrency();
        this.slots = new Semaphore(threads + props.jobs().submitQueue());
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "job-submit-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Takes a slot for a job about to be accepted; true: the caller schedules its task {@code
     * renderbank.jobs.submit-fallback} later and then calls {@link #handOver}, whatever happened.
     */
    boolean reserve() {
        return enabled && slots.tryAcquire();
    }

    /** Submits the job when it was accepted, else gives back the slot taken for it. */
    void handOver(Job job, boolean accepted) {
        if (accepted) {
            submit(job);
        } else {
            slots.release();
        }
    }

    private void submit(Job job) {
        try {
            pool.execute(() -> {
                // around the try: its catch logs in the job's context too
                try (var logContext = JobLogContext.of(job)) {
                    running.add(job.id());
                    try {
                        driver.submitAccepted(job, next -> moveTask(job.id(), next));
                    } catch (RuntimeException e) {
                        // the job's task, due later, takes over (and never sends a submit that was started)
                        log.warn(
                                "job {}: submit after accept failed ({}); its task takes over", job.id(), e.toString());
                    } finally {
                        running.remove(job.id());
                        slots.release();
                    }
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            try (var logContext = JobLogContext.of(job)) {
                log.warn("job {}: not submitted at once ({}); its task takes over", job.id(), e.toString());
            }
        }
    }

    /** In the transaction of the job's change: its task waits until {@code next}. */
    private void moveTask(String jobId, Instant next) {
        try {
            scheduler.getObject().reschedule(TaskInstanceId.of(JobTasks.JOB_TASK, jobId), next);
        } catch (TaskInstanceException e) {
            // Its task runs now (it came due first) and reschedules itself when done, or it is gone
            // (the job finished meanwhile): the job's change stands either way.
            log.debug("job {}: task not moved ({})", jobId, e.getMessage());
        }
    }

    /**
     * Jobs still queued are left to their tasks. Submits under way are waited for until their calls
     * end: at most the provider's submit time limit (its total timeout, 40 s by default) plus {@link
     * JobDriver#SUBMIT_MARGIN} for the answer's write. A submit cut short (the process exits after
     * this) may have created a task the job never learns of: its credits and its in-flight slot are
     * held until its deadline (it used to be cut after 10 s, the task created and paid for at the
     * provider, the job UNKNOWN). The jobs still running when the wait ends are named in a WARN.
     */
    @Override
    public void destroy() throws InterruptedException {
        int left = pool.getQueue().size();
        pool.getQueue().clear();
        pool.shutdown();
        if (left > 0) {
            log.info("{} accepted jobs left to their tasks at shutdown", left);
        }
        if (pool.awaitTermination(0, TimeUnit.MILLISECONDS)) {
            return; // nothing under way
        }
        Duration limit = provider.submitTimeLimit().plus(JobDriver.SUBMIT_MARGIN);
        log.info("waiting up to {} s for the submits under way: jobs {}", limit.toSeconds(), List.copyOf(running));
        if (!pool.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn(
                    "submits still under way after {} s at shutdown, cut: jobs {}; each may have created a task"
                            + " at the provider that its job does not know of (taken for interrupted later)",
                    limit.toSeconds(),
                    List.copyOf(running));
            pool.shutdownNow();
        }
    }
}
