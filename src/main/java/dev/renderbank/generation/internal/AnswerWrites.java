package dev.renderbank.generation.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * The writes of the provider's answer to a submit, which must not be lost when the database fails
 * them for a moment (a failover, a dropped connection, a pool timeout). An accepted createTask names
 * a task the provider now works on and bills: until its SUBMITTED mark lands, this process alone knows
 * its id, and without it the job is taken for interrupted, no late result can be asked for, and no
 * operator can link the task to the job. A 429 or 455 proves no task was created: until its mark is
 * cleared, the job is taken for interrupted as well and holds its credits and the user's in-flight
 * slot until its deadline.
 *
 * <p>So a write that fails is logged at once at WARN, with the job and the answer (the task's id), and
 * tried again on a thread of this class, backing off from 1-2 s to {@link #LONGEST_WAIT}, jittered,
 * until it runs or the job's deadline is {@link #AFTER_DEADLINE} past (logged at ERROR then); the
 * submit thread does not wait. Each write is a compare-and-set, safe to repeat: one that runs after
 * the job moved on does what a late answer does (a failed job records the task and asks for its
 * result later). A write refused by a constraint (a task id another job already names) is not tried
 * again: it would be refused again. Tries run one at a time: during an outage each waits for the
 * database in turn, once it is back each takes milliseconds.
 */
@Component
class AnswerWrites implements DisposableBean {

    static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    /**
     * How long after the job's deadline its answer is still written: the job is failed at its
     * deadline once the database answers, and a task recorded then is still fetched as a free late
     * delivery.
     */
    static final Duration AFTER_DEADLINE = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(AnswerWrites.class);

    /** A write still to land, and the tries made so far; its fields change on one thread at a time. */
    private static final class Pending {
        final Job job;
        final String answer;
        final BooleanSupplier write;
        final Runnable won;
        int tries = 1;
        String lastFailure;

        Pending(Job job, String answer, BooleanSupplier write, Runnable won, RuntimeException failure) {
            this.job = job;
            this.answer = answer;
            this.write = write;
            this.won = won;
            this.lastFailure = failure.toString();
        }
    }

    private final Clock clock;
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor retries;

    AnswerWrites(Clock clock) {
        this.clock = clock;
        this.retries = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "job-answer-retry");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code write}, the job's write of the provider's {@code answer} (named in the logs: the
     * task's id, say), and {@code won} once it returned true. When it fails, it is tried again later
     * (above) and this returns at once.
     */
    void store(Job job, String answer, BooleanSupplier write, Runnable won) {
        boolean landed;
        try {
            landed = write.getAsBoolean();
        } catch (DataIntegrityViolationException refused) {
            log.warn("job {}: {} refused by the database, not tried again ({})", job.id(), answer, refused.toString());
            throw refused;
        } catch (RuntimeException e) {
            log.warn(
                    "job {}: {} not stored ({}); tried again until it is, or until {} after the deadline",
                    job.id(),
                    answer,
                    e.toString(),
                    AFTER_DEADLINE);
            later(new Pending(job, answer, write, won, e));
            return;
        }
        if (landed) {
            won.run();
        }
    }

    private void later(Pending p) {
        pending.add(p);
        Duration wait = PollTiming.backoff(p.tries - 1, LONGEST_WAIT);
        try {
            retries.schedule(() -> retry(p), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            if (pending.remove(p)) {
                log.error("job {}: {} not stored, the application stops ({})", p.job.id(), p.answer, p.lastFailure);
            }
        }
    }

    private void retry(Pending p) {
        try (var logContext = JobLogContext.of(p.job)) {
            if (tryOnce(p)) {
                return;
            }
            if (clock.instant().isAfter(p.job.deadlineAt().plus(AFTER_DEADLINE))) {
                pending.remove(p);
                log.error(
                        "job {}: {} never stored ({} tries, last: {}); given up {} after the job's deadline",
                        p.job.id(),
                        p.answer,
                        p.tries,
                        p.lastFailure,
                        AFTER_DEADLINE);
                return;
            }
            later(p);
        }
    }

    /** One more try; true when it is over (landed, or refused for good). */
    private boolean tryOnce(Pending p) {
        p.tries++;
        boolean landed;
        try {
            landed = p.write.getAsBoolean();
        } catch (DataIntegrityViolationException refused) {
            pending.remove(p);
            log.error(
                    "job {}: {} refused by the database, not tried again ({})",
                    p.job.id(),
                    p.answer,
                    refused.toString());
            return true;
        } catch (RuntimeException e) {
            p.lastFailure = e.toString();
            log.debug("job {}: {} still not stored, try {} ({})", p.job.id(), p.answer, p.tries, p.lastFailure);
            return false;
        }
        pending.remove(p);
        log.info("job {}: {} stored at try {}", p.job.id(), p.answer, p.tries);
        if (landed) {
            try {
                p.won.run();
            } catch (RuntimeException e) {
                log.warn("job {}: after {} was stored ({})", p.job.id(), p.answer, e.toString());
            }
        }
        return true;
    }

    /**
     * At shutdown: the writes still waiting get one last try each (none more once one fails: the
     * database is not there); the ones left are logged at ERROR with their answers, for an operator.
     */
    @Override
    public void destroy() throws InterruptedException {
        retries.shutdownNow();
        // a try still under way (waiting for the database): no last tries, the answers are logged
        boolean reachable = retries.awaitTermination(10, TimeUnit.SECONDS);
        for (Pending p : pending) {
            try (var logContext = JobLogContext.of(p.job)) {
                if (reachable && tryOnce(p)) {
                    continue;
                }
                reachable = false;
                pending.remove(p);
                log.error("job {}: {} not stored, the application stops ({})", p.job.id(), p.answer, p.lastFailure);
            }
        }
    }
}
