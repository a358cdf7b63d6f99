package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.JobActions;
import dev.renderbank.support.HeldLockRace;
import dev.renderbank.support.TestUsers.TestUser;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An operator's "fail and release" and the job's own success (its output brought by a callback or a
 * poll) at the same moment, each started first: neither fails (a deadlock between the failure
 * scheduling its late check and the success storing its asset used to abort one of them), the job
 * ends once, its hold is captured or released, never both, and the operator's answer and audit
 * record say which. If the operator won, the output is kept as a free late delivery; if the success
 * won, the operator is refused and nothing is recorded.
 */
class OperatorFailRacingSuccessTest extends StubbedKieTest {

    @Autowired
    JobFinisher finisher;

    @Autowired
    JobTransitions transitions;

    @Autowired
    JobActions jobActions;

    @Autowired
    DataSource dataSource;

    @Test
    void theOperatorsFailAndTheJobsSuccessAtOnceEndTheJobOnceWhicheverWins() throws Exception {
        int round = 0;
        for (String lock : new String[] {"for update", "for no key update"}) {
            for (boolean operatorFirst : new boolean[] {true, false}) {
                String what = lock + ", operator first " + operatorFirst;
                TestUser u = users.create(100);
                String id = accept(u, "failed and delivered at once " + round++);
                FinisherTestSupport.submitted(transitions, id, "t-race-" + UUID.randomUUID(), clock.instant());
                Job running = job(id);
                String actor = "race-" + UUID.randomUUID() + "@test.local";
                Supplier<ActionResult> fail = () -> jobActions.fail(actor, id, "stuck at the provider", "k-" + id);
                Supplier<String> deliver =
                        () -> FinisherTestSupport.deliver(finisher, running, "jobs/race-" + id + ".png");

                var r = jobRow(id, lock).race(fail, deliver, operatorFirst);
                ActionResult failed = r.a();
                String delivered = r.b();

                Job end = job(id);
                long audited = jdbc.sql(
                                "select count(*) from operator_action where target = :t and action = 'job-fail'")
                        .param("t", "job:" + id)
                        .query(Long.class)
                        .single();
                if (failed instanceof ActionResult.Done d) {
                    // the operator won: released, and the output kept free of charge
                    assertThat(d.repeated()).as(what).isFalse();
                    assertThat(delivered).as(what).isEqualTo("LATE_FREE");
                    assertThat(end.state()).as(what).isEqualTo(JobState.FAILED);
                    assertThat(end.lateDelivery()).as(what).isTrue();
                    assertThat(hold(id)).as(what).isEqualTo(HoldState.RELEASED);
                    assertThat(ledger.balance(u.id())).as(what).isEqualTo(new Balance(100, 0, 0));
                    assertThat(audited).as(what).isEqualTo(1);
                } else {
                    // the success won: charged once, the operator told so and nothing recorded
                    assertThat(failed)
                            .as(what)
                            .isInstanceOfSatisfying(
                                    ActionResult.Refused.class,
                                    f -> assertThat(f.code()).isEqualTo("job-finished"));
                    assertThat(delivered).as(what).isEqualTo("CHARGED");
                    assertThat(end.state()).as(what).isEqualTo(JobState.SUCCEEDED);
                    assertThat(hold(id)).as(what).isEqualTo(HoldState.CAPTURED);
                    assertThat(ledger.balance(u.id())).as(what).isEqualTo(new Balance(100 - end.price(), 0, 0));
                    assertThat(audited).as(what).isZero();
                }
                assertThat(jdbc.sql("select count(*) from ledger_entry where ref_key = :id and kind in ('CAPTURE',"
                                        + " 'RELEASE')")
                                .param("id", id)
                                .query(Long.class)
                                .single())
                        .as(what)
                        .isEqualTo(1);
                assertThat(ledger.checkInvariants().violations()).as(what).isEmpty();
            }
        }
    }

    /**
     * A race on the job's row, locked here with {@code lock}. FOR UPDATE also holds back storing the
     * output's asset (its foreign key's key share), so both sides go on from the same moment; NO KEY
     * UPDATE lets that through, so both wait at their own update of the job.
     */
    private HeldLockRace jobRow(String jobId, String lock) {
        return HeldLockRace.onRow(dataSource, "select 1 from generation_job where id = ? " + lock, jobId);
    }
}
