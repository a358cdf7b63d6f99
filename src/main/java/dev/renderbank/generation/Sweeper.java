package dev.renderbank.generation;

import dev.renderbank.ledger.Ledger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Fails jobs past their deadline (releasing their credits) and expires overdue holds. */
@Component
class Sweeper {

    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

    private final JobStore store;
    private final JobFinisher finisher;
    private final Ledger ledger;
    private final Clock clock;

    Sweeper(JobStore store, JobFinisher finisher, Ledger ledger, Clock clock) {
        this.store = store;
        this.finisher = finisher;
        this.ledger = ledger;
        this.clock = clock;
    }

    int sweep() {
        Instant now = clock.instant();
        int failed = 0;
        List<String> due;
        do {
            due = store.liveJobsPastDeadline(now, 100);
            for (String id : due) {
                var job = store.find(id).orElseThrow();
                if (finisher.fail(
                        job,
                        "deadline_exceeded",
                        "The generation did not finish in time; your credits were released.",
                        true)) {
                    failed++;
                }
            }
        } while (due.size() == 100);
        int expired = ledger.expireDue(now);
        store.forgetIdempotencyKeys(now.minus(java.time.Duration.ofHours(24)));
        if (failed > 0 || expired > 0) {
            log.info("sweeper: {} jobs past deadline failed, {} holds expired", failed, expired);
        }
        return failed;
    }
}
