package dev.renderbank.provider.internal;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The provider's recurring work, as db-scheduler tasks so that one node at a time runs each (the
 * starter registers every Task bean and schedules recurring ones at start).
 */
@Configuration(proxyBeanMethods = false)
class ProviderTasks {

    @Bean
    RecurringTask<Void> providerBalanceCheck(BalanceMonitor monitor, ProviderProperties properties) {
        return Tasks.recurring(
                        "provider-balance-check",
                        new EveryAfterDelay(properties.balance().checkInterval()))
                .execute((instance, context) -> monitor.check());
    }

    @Bean
    RecurringTask<Void> providerStatusRecheck(BalanceMonitor monitor, ProviderProperties properties) {
        return Tasks.recurring(
                        "provider-status-recheck",
                        new EveryAfterDelay(properties.balance().recheckInterval()))
                .execute((instance, context) -> monitor.recheckWhileTripped());
    }

    /**
     * A fixed delay whose first run is one delay after the first start (db-scheduler's FixedDelay
     * runs at once), so a starting node does not call the provider before it is asked to.
     */
    record EveryAfterDelay(Duration delay) implements Schedule {

        @Override
        public Instant getNextExecutionTime(ExecutionComplete complete) {
            return complete.getTimeDone().plus(delay);
        }

        @Override
        public Instant getInitialExecutionTime(Instant now) {
            return now.plus(delay);
        }

        @Override
        public boolean isDeterministic() {
            return false;
        }
    }
}
