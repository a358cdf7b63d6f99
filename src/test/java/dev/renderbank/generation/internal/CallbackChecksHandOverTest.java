package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A callback is answered before its check runs ({@link CallbackChecks}), so a check that cannot run
 * here must lose nothing. A failed job's durable late-delivery task (nothing else would ask for its
 * result) is scheduled before the answer, even past the queue; a live job is left to its own task,
 * which polls it anyway; at a stop, the checks still waiting and those still running after the stop's
 * wait are handed to that durable work as their jobs are then (one failed since: its late-delivery
 * task). Here one thread and a queue of two, the provider's answers held until the stop cuts them.
 */
class CallbackChecksHandOverTest extends JobRowsTest {

    @Autowired
    LateDeliveries late;

    @Test
    void aFullQueueAndAStopLeaveEveryCheckToDurableWork() {
        String runningLive = submittedJob("t-running");
        String queuedLive = submittedJob("t-queued-live");
        String queuedFailed = failedJobWithTask("t-queued");
        String overflowFailed = failedJobWithTask("t-overflow");
        String overflowLive = submittedJob("t-overflow-live");
        HeldPolling polling = new HeldPolling();
        CallbackChecks checks =
                new CallbackChecks(jobs, polling, late, clock, new SimpleMeterRegistry(), 1, 2, Duration.ofMillis(300));
        checks.start();

        checks.checkSoon(job(runningLive));
        await().atMost(Duration.ofSeconds(10)).until(() -> polling.started.get() == 1);
        checks.checkSoon(job(queuedLive));
        checks.checkSoon(job(queuedFailed));
        assertThat(lateDeliveryScheduled(queuedFailed))
                .as("a failed job's check is durable before its callback is answered")
                .isTrue();
        checks.checkSoon(job(overflowFailed));
        checks.checkSoon(job(overflowLive));
        assertThat(lateDeliveryScheduled(overflowFailed))
                .as("past the queue: the failed job's durable late-delivery task asks instead")
                .isTrue();
        assertThat(lateDeliveryScheduled(overflowLive))
                .as("a live job is polled by its own task")
                .isFalse();
        assertThat(checks.idle(overflowLive)).isTrue();

        // failed meanwhile, by a failure that schedules nothing (the provider's word, on another node)
        for (String id : new String[] {runningLive, queuedLive}) {
            assertThat(transitions.markFailed(id, null, "provider_generation_failed", "failed", clock.instant()))
                    .isPresent();
            assertThat(lateDeliveryScheduled(id)).isFalse();
        }
        checks.stop();

        assertThat(lateDeliveryScheduled(queuedLive))
                .as("waiting at the stop, failed since: handed to its late-delivery task")
                .isTrue();
        assertThat(lateDeliveryScheduled(runningLive))
                .as("still running after the stop's wait: cut and handed over")
                .isTrue();
        assertThat(polling.started.get()).as("the waiting checks never ran").isEqualTo(1);
        assertThat(checks.idle()).isTrue();
    }

    /**
     * A check whose first read of the job fails (the database briefly unreachable) is handed over and
     * ends: the job is not left marked as under way, so the next callback checks it. The read sat
     * outside the check's error handling, so the mark stayed until a restart, every later callback
     * was taken for a repeat, and a failed job's late-delivery task waited on it for good.
     */
    @Test
    void aCheckWhoseReadOfTheJobFailsEndsAndTheNextCallbackChecksTheJob() {
        String live = submittedJob("t-read-fails");
        AtomicInteger reads = new AtomicInteger();
        JobStore failingOnce = new JobStore(jdbc) {
            @Override
            public Optional<Job> find(String id) {
                if (reads.incrementAndGet() == 1) {
                    throw new org.springframework.jdbc.CannotGetJdbcConnectionException("pool exhausted");
                }
                return super.find(id);
            }
        };
        CountingPolling polling = new CountingPolling();
        CallbackChecks checks = new CallbackChecks(
                failingOnce, polling, late, clock, new SimpleMeterRegistry(), 1, 2, Duration.ofMillis(300));
        checks.start();
        try {
            checks.checkSoon(job(live));
            await().atMost(Duration.ofSeconds(10))
                    .alias("the failed check ends and leaves no mark")
                    .until(() -> checks.idle(live));
            assertThat(polling.polls.get()).isZero();

            checks.checkSoon(job(live));
            await().atMost(Duration.ofSeconds(10))
                    .alias("the next callback's check runs")
                    .until(() -> polling.polls.get() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> checks.idle(live));
        } finally {
            checks.stop();
        }
    }

    /** Counts the polls; the provider is never asked. */
    static final class CountingPolling extends JobPolling {
        final AtomicInteger polls = new AtomicInteger();

        CountingPolling() {
            super(null, null, null, null, null, null, null, null, null, null, null, null);
        }

        @Override
        Optional<Instant> poll(Job job, Instant now) {
            polls.incrementAndGet();
            return Optional.empty();
        }

        @Override
        void checkLateDelivery(Job job) {
            polls.incrementAndGet();
        }
    }

    private Job job(String id) {
        return jobs.find(id).orElseThrow();
    }

    private String submittedJob(String task) {
        String id = startedJob();
        assertThat(transitions.markSubmitted(id, task + "-" + id, clock.instant()))
                .isTrue();
        return id;
    }

    private String failedJobWithTask(String task) {
        String id = submittedJob(task);
        assertThat(transitions.markFailed(id, null, FailureReasons.DEADLINE_CODE, "late", clock.instant()))
                .isPresent();
        // the failure's own scheduling of the check is not what this test looks at
        jdbc.sql("delete from scheduled_tasks where task_instance = :id")
                .param("id", id)
                .update();
        return id;
    }

    private boolean lateDeliveryScheduled(String id) {
        return jdbc.sql("select count(*) from scheduled_tasks where task_name = :task and task_instance = :id")
                        .param("task", LateDeliveries.TASK)
                        .param("id", id)
                        .query(Long.class)
                        .single()
                == 1;
    }

    /** The provider's answer never comes until the thread is interrupted (a stop's cut). */
    static final class HeldPolling extends JobPolling {
        final AtomicInteger started = new AtomicInteger();
        private final CountDownLatch never = new CountDownLatch(1);

        HeldPolling() {
            super(null, null, null, null, null, null, null, null, null, null, null, null);
        }

        @Override
        Optional<Instant> poll(Job job, Instant now) {
            hold();
            return Optional.empty();
        }

        @Override
        void checkLateDelivery(Job job) {
            hold();
        }

        private void hold() {
            started.incrementAndGet();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
