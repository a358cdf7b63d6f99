package dev.renderbank.generation.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Fails jobs past their deadline (releasing their credits), even jobs whose task was lost, and
 * forgets Idempotency-Keys older than their window. Overdue holds are the ledger's own sweep.
 */
@Component
public class Sweeper {

    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

    /** Overdue jobs read per statement. */
    static final int PAGE = 100;

    private final JobStore jobs;
    private final IdempotencyStore keys;
    private final JobFinisher finisher;
    private final Clock clock;

    Sweeper(JobStore jobs, IdempotencyStore keys, JobFinisher finisher, Clock clock) {
        this.jobs = jobs;
        this.keys = keys;
        this.finisher = finisher;
        this.clock = clock;
    }

    public int sweep() {
        Instant now = clock.instant();
        int failed = 0;
        List<JobStore.Overdue> due;
        JobStore.Overdue after = null;
        do {
            due = jobs.liveJobsPastDeadline(now, after, PAGE);
            for (JobStore.Overdue job : due) {
                if (failOverdue(job.id())) {
                    failed++;
                }
            }
            after = due.isEmpty() ? after : due.get(due.size() - 1);
        } while (due.size() == PAGE);
        keys.forgetExpired(now);
        if (failed > 0) {
            log.info("sweeper: {} jobs past deadline failed", failed);
        }
        return failed;
    }

    /**
     * One overdue job failed and released. A job whose failure throws (a bug, a row the code cannot
     * handle) is logged and stays live for the next sweep: it must not hold up the jobs behind it,
     * and as the list is by deadline it would come first in every sweep.
     */
    private boolean failOverdue(String id) {
        // around the try: its catch logs in the job's context too (the user's id once the job was read)
        try (var idContext = JobLogContext.ofId(id)) {
            Job job = null;
            try {
                job = jobs.find(id).orElseThrow(() -> new IllegalStateException("job " + id + " vanished"));
                return finisher.fail(job, FailureReasons.DEADLINE_CODE, FailureReasons.DEADLINE, true);
            } catch (RuntimeException e) {
                try (var jobContext = job == null ? null : JobLogContext.of(job)) {
                    log.error(
                            "sweeper: job {} is past its deadline and could not be failed; tried again next sweep",
                            id,
                            e);
                }
                return false;
            }
        }
    }
}
