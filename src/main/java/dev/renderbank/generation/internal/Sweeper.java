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
        List<String> due;
        do {
            due = jobs.liveJobsPastDeadline(now, 100);
            for (String id : due) {
                Job job = jobs.find(id).orElseThrow(() -> new IllegalStateException("job " + id + " vanished"));
                if (finisher.fail(job, FailureReasons.DEADLINE_CODE, FailureReasons.DEADLINE, true)) {
                    failed++;
                }
            }
        } while (due.size() == 100);
        keys.forgetExpired(now);
        if (failed > 0) {
            log.info("sweeper: {} jobs past deadline failed", failed);
        }
        return failed;
    }
}
