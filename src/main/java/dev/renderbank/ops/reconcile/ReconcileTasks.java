package dev.renderbank.ops.reconcile;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.renderbank.ops.Reconciliation;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The scheduled reconciliation on db-scheduler: one node runs each execution, every
 * {@code renderbank.ops.reconcile.interval} (a day by default) after the previous one finished.
 */
@Configuration(proxyBeanMethods = false)
class ReconcileTasks {

    @Bean
    @ConditionalOnProperty(name = "renderbank.ops.reconcile.scheduled", havingValue = "true", matchIfMissing = true)
    RecurringTask<Void> opsReconcile(ReconcileProperties props, Reconciliation reconciliation) {
        return Tasks.recurring("ops-reconcile", Schedules.fixedDelay(props.interval()))
                .execute((instance, ctx) -> reconciliation.run(Reconciliation.SCHEDULED, null));
    }
}
