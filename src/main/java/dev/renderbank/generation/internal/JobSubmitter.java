package dev.renderbank.generation.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.renderbank.generation.GenerationProperties;
import java.time.Instant;
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
    private final ObjectProvider<SchedulerClient> scheduler;
    private final boolean enabled;
    private final Semaphore slots;
    private final ThreadPoolExecutor pool;

    /**
     * {@code scheduling} is absent where db-scheduler is switched off ({@code db-scheduler.enabled=false},
     * e.g. a start that only runs a command): then nothing is submitted here either.
     */
    JobSubmitter(
            JobDriver driver,
            ObjectProvider<SchedulerClient> scheduler,
            ObjectProvider<DbSchedulerProperties> scheduling,
            GenerationProperties props) {
        this.driver = driver;
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
                    try {
                        driver.submitAccepted(job, next -> moveTask(job.id(), next));
                    } catch (RuntimeException e) {
                        // the job's task, due later, takes over (and never sends a submit that was started)
                        log.warn(
                                "job {}: submit after accept failed ({}); its task takes over", job.id(), e.toString());
                    } finally {
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

    @Override
    public void destroy() throws InterruptedException {
        // Jobs still queued are left to their tasks; calls under way get the time db-scheduler gives
        // its own runs, and a submit cut short after that is never sent again.
        int left = pool.getQueue().size();
        pool.getQueue().clear();
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        if (left > 0) {
            log.info("{} accepted jobs left to their tasks at shutdown", left);
        }
    }
}
