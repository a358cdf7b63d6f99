package dev.renderbank.generation.internal;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.renderbank.generation.GenerationProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Durable background work on db-scheduler (cluster-safe on PostgreSQL): one task instance per
 * job drives it to a terminal state, surviving restarts (and one per failed job whose late result
 * is still to be fetched); a recurring sweeper enforces deadlines
 * even for jobs whose task was lost (overdue holds are the ledger's own task).
 */
@Configuration(proxyBeanMethods = false)
class JobTasks {

    static final String JOB_TASK = "generation-job";

    @Bean
    CustomTask<String> generationJobTask(ObjectProvider<JobDriver> driver) {
        return Tasks.custom(JOB_TASK, String.class)
                // An exception here is infrastructure (database down): try again soon, backing off.
                .onFailure(new FailureHandler.ExponentialBackoffFailureHandler<>(Duration.ofSeconds(5), 2.0))
                .execute((instance, context) -> {
                    Optional<Instant> next = driver.getObject().step(instance.getData());
                    return (CompletionHandler<String>) (complete, ops) -> {
                        if (next.isPresent()) {
                            ops.reschedule(complete, next.get());
                        } else {
                            ops.remove();
                        }
                    };
                });
    }

    /**
     * A failed job's late result still to be fetched ({@link LateDeliveries}): the data is the number
     * of the try; an exception here (database down) is tried again, backing off, at most {@link
     * LateDeliveries#MAX_TRIES} times in a row.
     */
    @Bean
    CustomTask<Integer> generationLateDeliveryTask(ObjectProvider<LateDeliveries> late) {
        return Tasks.custom(LateDeliveries.TASK, Integer.class)
                .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(
                        LateDeliveries.MAX_TRIES,
                        new FailureHandler.ExponentialBackoffFailureHandler<>(Duration.ofSeconds(30), 2.0)))
                .execute((instance, context) -> {
                    int tries = instance.getData() == null ? 1 : instance.getData();
                    Optional<Instant> next = late.getObject().run(instance.getId(), tries);
                    return (CompletionHandler<Integer>) (complete, ops) -> {
                        if (next.isPresent()) {
                            ops.reschedule(complete, next.get(), tries + 1);
                        } else {
                            ops.remove();
                        }
                    };
                });
    }

    /** A discarded result's file whose delete failed ({@link DiscardedOutputs}): the data is the job id. */
    @Bean
    OneTimeTask<String> generationDiscardedOutputTask(ObjectProvider<DiscardedOutputs> discarded) {
        return Tasks.oneTime(DiscardedOutputs.TASK, String.class)
                .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(
                        DiscardedOutputs.MAX_TRIES,
                        new FailureHandler.ExponentialBackoffFailureHandler<>(DiscardedOutputs.FIRST_RETRY, 2.0)))
                .execute((instance, context) -> {
                    try {
                        discarded.getObject().deleteLater(instance.getData(), instance.getId());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    @Bean
    RecurringTask<Void> generationSweeperTask(ObjectProvider<Sweeper> sweeper, GenerationProperties props) {
        return Tasks.recurring("generation-sweeper", FixedDelay.of(props.jobs().sweepInterval()))
                .execute((instance, context) -> sweeper.getObject().sweep());
    }
}
