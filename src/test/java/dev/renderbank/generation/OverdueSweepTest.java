package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.CaptureResult;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The sweeper enforces every deadline even when one overdue job cannot be failed (SPEC section 4: a
 * job past its deadline is failed and released). The overdue jobs come by deadline, so a job whose
 * failure throws comes first in every sweep: it must not keep the jobs behind it holding credits.
 */
class OverdueSweepTest extends StubbedKieTest {

    @Autowired
    Sweeper sweeper;

    @Test
    void aJobThatCannotBeFailedDoesNotKeepTheSweepFromFailingTheJobsBehindIt() {
        TestUser first = users.create(100);
        TestUser second = users.create(100);
        String stuck = accept(first, "overdue and unfailable " + System.nanoTime());
        clock.advance(Duration.ofSeconds(1));
        String behind = accept(second, "overdue behind it " + System.nanoTime());
        // its hold charged while the job is still live (a repair by hand gone wrong): failing the job
        // cannot release the hold, so its failure throws and rolls back
        assertThat(ledger.capture(stuck)).isInstanceOf(CaptureResult.Captured.class);
        clock.advance(Duration.ofMinutes(16));

        sweeper.sweep();

        assertThat(job(behind).state()).isEqualTo(JobState.FAILED);
        assertThat(job(behind).errorCode()).isEqualTo("deadline_exceeded");
        assertThat(hold(behind)).isEqualTo(HoldState.RELEASED);
        assertThat(ledger.balance(second.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(job(stuck).state())
                .as("left live for the next sweep (and an operator)")
                .isEqualTo(JobState.RESERVED);
    }
}
