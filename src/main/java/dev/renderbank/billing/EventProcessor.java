package dev.renderbank.billing;

import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Processes a stored event exactly once: the row is locked ({@code SKIP LOCKED}, so concurrent
 * deliveries and sweeps do not wait for each other), the handler's grants and the "processed"
 * mark commit together or not at all. A failure is recorded on the row with its next attempt time.
 */
@Component
class EventProcessor {

    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);

    private final PaymentEventStore store;
    private final Map<String, EventHandler> handlers;
    private final TransactionTemplate tx;
    private final OperatorAlerts alerts;
    private final Clock clock;

    EventProcessor(
            PaymentEventStore store,
            List<EventHandler> handlers,
            TransactionTemplate tx,
            OperatorAlerts alerts,
            Clock clock) {
        this.store = store;
        this.handlers = handlers.stream().collect(Collectors.toMap(EventHandler::provider, Function.identity()));
        this.tx = tx;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** Returns the outcome, or null when the event was already finished or is being processed elsewhere. */
    Outcome process(long eventId) {
        Outcome outcome;
        String what = "event " + eventId;
        try {
            outcome = tx.execute(status -> {
                var event = store.lockUnfinished(eventId);
                if (event.isEmpty()) {
                    return null;
                }
                var e = event.get();
                Outcome o = handlers.get(e.provider()).handle(e);
                if (o instanceof Outcome.Processed p) {
                    store.finish(eventId, "PROCESSED", p.note(), clock.instant());
                } else if (o instanceof Outcome.Ignored i) {
                    store.finish(eventId, "IGNORED", i.reason(), clock.instant());
                } else {
                    status.setRollbackOnly(); // nothing of a half-applied event may stay
                }
                return o;
            });
        } catch (RuntimeException ex) {
            log.error("Processing payment {} failed; it stays stored and will be retried", what, ex);
            outcome = new Outcome.Unprocessable(ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
        if (outcome instanceof Outcome.Unprocessable u) {
            int attempts = tx.execute(status -> store.fail(eventId, u.error(), clock.instant()));
            log.warn("Payment {} could not be processed (attempt {}): {}", what, attempts, u.error());
            if (attempts == 1 || attempts == PaymentEventStore.BACKOFF.size()) {
                alerts.raise(
                        "billing.webhook.failed",
                        "Payment webhook " + eventId + " could not be processed (attempt " + attempts + "): "
                                + u.error() + ". It is kept and retried; see /api/v1/admin/webhooks?status=failed");
            }
        }
        return outcome;
    }

    /** Retries every event whose next attempt is due; returns how many were looked at. */
    int processDue() {
        List<Long> due = store.due(clock.instant(), 100);
        due.forEach(this::process);
        return due.size();
    }
}
