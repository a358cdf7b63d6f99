package dev.renderbank.platform;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs {@link DurableEventHandler}s: one db-scheduler task instance per (handler, event key). A
 * failing handler is retried with exponential backoff (5 s doubling, at most an hour apart) for as
 * long as it fails; from the fifth consecutive failure on, each failure raises an operator alert.
 */
@Configuration(proxyBeanMethods = false)
class DurableEventTasks {

    static final String TASK = "durable-event";
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofHours(1);
    static final int ALERT_AFTER_FAILURES = 5;

    private static final Logger log = LoggerFactory.getLogger(DurableEventTasks.class);

    /** What is stored per task: the handler, the event's class and its JSON. */
    record Envelope(String handler, String type, String event) {}

    @Bean
    OneTimeTask<String> durableEventTask(
            ObjectProvider<List<DurableEventHandler<?>>> handlers,
            ObjectProvider<JsonMapper> json,
            ObjectProvider<OperatorAlerts> alerts) {
        return Tasks.oneTime(TASK, String.class).onFailure(new Backoff(alerts)).execute((instance, ctx) -> {
            Envelope e = json.getObject().readValue(instance.getData(), Envelope.class);
            DurableEventHandler<?> handler = handlers.getObject().stream()
                    .filter(h -> h.name().equals(e.handler()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no durable event handler " + e.handler()));
            dispatch(handler, e, json.getObject());
        });
    }

    private static <E extends DurableEvent> void dispatch(DurableEventHandler<E> handler, Envelope e, JsonMapper json) {
        E event = json.readValue(e.event(), handler.eventType());
        handler.handle(event);
    }

    /** Exponential backoff without end, capped; loud once it keeps failing. */
    static final class Backoff implements FailureHandler<String> {

        private final ObjectProvider<OperatorAlerts> alerts;

        Backoff(ObjectProvider<OperatorAlerts> alerts) {
            this.alerts = alerts;
        }

        static Duration delay(int consecutiveFailures) {
            int doublings = Math.min(Math.max(consecutiveFailures - 1, 0), 20);
            Duration d = FIRST_RETRY.multipliedBy(1L << doublings);
            return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
        }

        @Override
        public void onFailure(ExecutionComplete complete, ExecutionOperations<String> ops) {
            int failures = complete.getExecution().consecutiveFailures + 1;
            Duration delay = delay(failures);
            String id = complete.getExecution().taskInstance.getId();
            String cause = complete.getCause().map(Throwable::toString).orElse("unknown");
            log.warn("durable event {} failed {} time(s) ({}); next try in {}", id, failures, cause, delay);
            if (failures >= ALERT_AFTER_FAILURES) {
                alerts.getObject()
                        .raise(
                                AlertKind.EVENTS_HANDLER_FAILING,
                                "durable event " + id + " failed " + failures + " times in a row: " + cause);
            }
            Instant next = complete.getTimeDone().plus(delay);
            ops.reschedule(complete, next);
        }
    }
}
