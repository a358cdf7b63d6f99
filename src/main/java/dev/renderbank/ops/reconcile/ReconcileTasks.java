package dev.renderbank.ops.reconcile;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.renderbank.ops.Reconciliation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The scheduled reconciliation on db-scheduler: one node runs each execution, every
 * {@code renderbank.ops.reconcile.interval} (a day by default) after the previous one finished.
 * Scheduled exactly when {@link ReconcileProperties#scheduled()} is true as the application binds it
 * ({@code on}, {@code yes} and {@code 1} included).
 */
@Configuration(proxyBeanMethods = false)
class ReconcileTasks {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileTasks.class);

    /**
     * {@code renderbank.ops.reconcile.scheduled} bound as a boolean, as the record's field is (the
     * field alone: binding the whole record here would run its checks in a condition).
     */
    static class Scheduled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment())
                    .bind("renderbank.ops.reconcile.scheduled", Boolean.class)
                    .orElse(true);
        }
    }

    @Bean
    @Conditional(Scheduled.class)
    RecurringTask<Void> opsReconcile(ReconcileProperties props, Reconciliation reconciliation) {
        return Tasks.recurring("ops-reconcile", Schedules.fixedDelay(props.interval()))
                .execute((instance, ctx) -> {
                    try {
                        reconciliation.run(Reconciliation.SCHEDULED, null);
                    } catch (ReconcileLocks.RunInProgress e) {
                        // an operator's run is under way: it stands for this one
                        LOG.info("Scheduled reconciliation skipped: {}", e.getMessage());
                    }
                });
    }
}
