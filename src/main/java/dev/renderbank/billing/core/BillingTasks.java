package dev.renderbank.billing.core;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.renderbank.billing.PaymentsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Durable background work on db-scheduler (one node runs each execution): retrying stored
 * webhooks whose next attempt is due, and granting yearly plans' months as each month starts.
 */
@Configuration(proxyBeanMethods = false)
class BillingTasks {

    @Bean
    RecurringTask<Void> billingWebhookRetry(PaymentsProperties props, EventProcessor processor) {
        return Tasks.recurring("billing-webhook-retry", Schedules.fixedDelay(props.sweepInterval()))
                .execute((instance, ctx) -> processor.processDue());
    }

    @Bean
    RecurringTask<Void> billingMonthlyGrants(PaymentsProperties props, MonthlyGrants months) {
        return Tasks.recurring("billing-monthly-grants", Schedules.fixedDelay(props.sweepInterval()))
                .execute((instance, ctx) -> months.grantDue());
    }
}
