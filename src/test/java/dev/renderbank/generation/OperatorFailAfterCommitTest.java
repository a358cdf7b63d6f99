package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.JobActions;
import dev.renderbank.support.TestUsers.TestUser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator's "fail and release" runs in the transaction of its audit record: what it tells
 * outside the database (the finish counted in {@code renderbank.jobs.finished}, the job's event
 * streams on this node) happens once that transaction has committed, and not at all when it rolls
 * back. The action is run inside a caller's transaction that is then rolled back, as a failure of
 * the audit after the job's release would. Only the signal the action's own thread gives is looked
 * at: the database's notifications (JobChangeListener's thread) come after a commit by nature, and
 * those of the job's earlier steps may arrive at any time.
 */
class OperatorFailAfterCommitTest extends StubbedKieTest {

    @Autowired
    JobActions jobActions;

    @Autowired
    JobTransitions transitions;

    @Autowired
    JobEvents jobEvents;

    @Autowired
    MeterRegistry meters;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aFailRolledBackWithItsAuditIsNeitherCountedNorToldToTheJobsStreams() {
        TestUser u = users.create(100);
        String id = submittedJob(u, "rolled back");
        List<String> told = new CopyOnWriteArrayList<>();
        Thread operator = Thread.currentThread();
        Runnable unsubscribe = jobEvents.subscribe(id, changed -> {
            if (Thread.currentThread() == operator) {
                told.add(changed);
            }
        });
        double counted = operatorFailures();
        try {
            tx.executeWithoutResult(s -> {
                assertThat(jobActions.fail("ops-" + UUID.randomUUID() + "@test.local", id, "stuck", "k-" + id))
                        .isInstanceOf(ActionResult.Done.class);
                s.setRollbackOnly();
            });
        } finally {
            unsubscribe.run();
        }

        assertThat(job(id).state()).as("the failure rolled back").isEqualTo(JobState.SUBMITTED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
        assertThat(operatorFailures()).as("no finish counted").isEqualTo(counted);
        assertThat(told).as("no stream told of a change that never happened").isEmpty();
    }

    @Test
    void aCommittedFailIsCountedOnceAndItsStreamsToldWhenOthersCanReadIt() throws Exception {
        TestUser u = users.create(100);
        String id = submittedJob(u, "committed");
        List<JobState> seenWhenTold = new CopyOnWriteArrayList<>();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        // a stream re-reads its job when told: on its own connection, as a request thread would
        Thread operator = Thread.currentThread();
        Runnable unsubscribe = jobEvents.subscribe(id, changed -> {
            if (Thread.currentThread() != operator) {
                return;
            }
            try {
                seenWhenTold.add(reader.submit(() -> job(id).state()).get(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        double counted = operatorFailures();
        try {
            assertThat(jobActions.fail("ops-" + UUID.randomUUID() + "@test.local", id, "stuck", "k-" + id))
                    .isInstanceOf(ActionResult.Done.class);
        } finally {
            unsubscribe.run();
            reader.shutdownNow();
        }

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(operatorFailures()).isEqualTo(counted + 1);
        assertThat(seenWhenTold).as("told once the failure is there to read").containsExactly(JobState.FAILED);
    }

    private String submittedJob(TestUser u, String prompt) {
        String id = accept(u, "operator fail " + prompt + " " + UUID.randomUUID());
        FinisherTestSupport.submitted(transitions, id, "t-" + UUID.randomUUID(), clock.instant());
        return id;
    }

    private double operatorFailures() {
        return meters.find("renderbank.jobs.finished").tag("reason", "operator_failed").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
