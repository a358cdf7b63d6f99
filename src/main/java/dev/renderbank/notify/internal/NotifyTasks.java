package dev.renderbank.notify.internal;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sender, its backlog watch and the operator alert forwarder, on db-scheduler: one node runs each execution, and
 * the rows they claim are taken with {@code SKIP LOCKED} besides, so several nodes never double up.
 */
@Configuration(proxyBeanMethods = false)
class NotifyTasks {

    @Bean
    RecurringTask<Void> notifyMailSenderTask(MailProperties props, MailDelivery delivery) {
        return Tasks.recurring("notify-mail-sender", Schedules.fixedDelay(props.sendInterval()))
                .execute((instance, ctx) ->
                        delivery.deliverDue(() -> ctx.getSchedulerState().isShuttingDown()));
    }

    /** Watches the waiting emails (alerts mail.delayed), apart from the sender, which an SMTP timeout can hold up. */
    @Bean
    RecurringTask<Void> notifyMailBacklogTask(MailProperties props, MailBacklog backlog, Smtp smtp) {
        return Tasks.recurring("notify-mail-backlog", Schedules.fixedDelay(props.sendInterval()))
                .execute((instance, ctx) -> {
                    if (smtp.enabled()) {
                        backlog.check();
                    }
                });
    }

    @Bean
    RecurringTask<Void> notifyOperatorAlertTask(MailProperties props, AlertMail alerts) {
        return Tasks.recurring("notify-operator-alerts", Schedules.fixedDelay(props.sendInterval()))
                .execute((instance, ctx) -> alerts.forward());
    }
}
