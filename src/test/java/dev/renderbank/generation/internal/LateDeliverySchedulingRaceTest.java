package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Concurrently;
import dev.renderbank.support.HeldTransaction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Scheduling a failed job's late-delivery check ({@link LateDeliveries#checkLater}) happens inside other
 * work's transaction (a batch of SUBMITTED marks, a failure). Two transactions scheduling the same
 * job's check at the same instant (a callback and a submit's answer) must both commit their own work:
 * the second finds the first's check, and its transaction is never aborted by a duplicate key.
 */
class LateDeliverySchedulingRaceTest extends JobRowsTest {

    @Autowired
    LateDeliveries late;

    @Test
    void twoTransactionsSchedulingTheSameCheckAtOnceBothCommit() throws Exception {
        String failed = startedJob();
        assertThat(transitions.markFailed(failed, null, "deadline_exceeded", "late", clock.instant()))
                .isPresent();
        String other = startedJob();

        CompletableFuture<Object> second = new CompletableFuture<>();
        try (HeldTransaction<Object> first = HeldTransaction.open(tx, jdbc, () -> {
            late.checkLater(failed);
            return null;
        })) {
            // the second transaction's own work, then the same check while the first is not yet committed
            Concurrently.completeInBackground(
                    second,
                    () -> tx.execute(status -> {
                        jdbc.sql("update generation_job set error_message = 'second committed' where id = :id")
                                .param("id", other)
                                .update();
                        late.checkLater(failed);
                        return null;
                    }));
            first.awaitBlocked();
            first.commit();
        }
        second.get(30, TimeUnit.SECONDS);
        assertThat(jobs.find(other).orElseThrow().errorMessage()).isEqualTo("second committed");
        assertThat(jdbc.sql("select count(*) from scheduled_tasks where task_name = :task and task_instance = :id")
                        .param("task", LateDeliveries.TASK)
                        .param("id", failed)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }
}
