package dev.renderbank.notify.webhooks;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The webhook sender on db-scheduler: one node runs each execution (which sends on the dispatcher's
 * pool until nothing is due), and the endpoints it claims are taken with {@code SKIP LOCKED} besides,
 * so several nodes never send the same attempt, nor two deliveries to one endpoint at once.
 */
@Configuration(proxyBeanMethods = false)
class WebhookTasks {

    @Bean
    RecurringTask<Void> notifyWebhookSenderTask(WebhookProperties props, WebhookDispatch dispatch) {
        return Tasks.recurring("notify-webhook-sender", Schedules.fixedDelay(props.sendInterval()))
                .execute((instance, ctx) ->
                        dispatch.deliverDue(() -> ctx.getSchedulerState().isShuttingDown()));
    }
}
