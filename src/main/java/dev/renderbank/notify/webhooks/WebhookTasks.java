package dev.renderbank.notify.webhooks;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The webhook sender on db-scheduler: one node runs each execution (which sends on the dispatcher's
 * pool until nothing is due), and the endpoints it claims are taken with {@code SKIP LOCKED} besides,
 * so several nodes never send the same attempt, nor two deliveries to one endpoint at once.
 */
@Configuration(proxyBeanMethods = false)
class WebhookTasks {

    private static final Logger log = LoggerFactory.getLogger(WebhookTasks.class);

    /** How often {@link WebhookSweep} runs. */
    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);

    @Bean
    RecurringTask<Void> notifyWebhookSenderTask(WebhookProperties props, WebhookDispatch dispatch) {
        return Tasks.recurring("notify-webhook-sender", Schedules.fixedDelay(props.sendInterval()))
                .execute((instance, ctx) ->
                        dispatch.deliverDue(() -> ctx.getSchedulerState().isShuttingDown()));
    }

    /** The hourly sweep of old deliveries and ended resend counts, on one node per run. */
    @Bean
    RecurringTask<Void> notifyWebhookSweepTask(WebhookSweep sweep, Clock clock) {
        return Tasks.recurring("notify-webhook-sweep", Schedules.fixedDelay(SWEEP_INTERVAL))
                .execute((instance, ctx) -> {
                    WebhookSweep.Swept swept = sweep.sweep(clock.instant());
                    if (swept.deliveries() + swept.resendCounts() > 0) {
                        log.info("webhook sweep: {}", swept);
                    }
                });
    }
}
