package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a stored event's provider handler inside the transaction of {@link EventProcessor} that
 * finishes the event: under a savepoint, so what cannot be applied now leaves nothing half-written,
 * and with the event's personal data erased once it is applied if it names a deleted account
 * ({@link DeletedAccountEvents#afterApplied}).
 */
@Component
class EventHandling {

    private final Map<String, EventHandler> handlers;
    private final TransactionTemplate savepoint;
    private final OperatorAlerts alerts;
    private final DeletedAccountEvents deletedAccounts;

    EventHandling(
            List<EventHandler> handlers,
            TransactionTemplate tx,
            OperatorAlerts alerts,
            DeletedAccountEvents deletedAccounts) {
        this.handlers = handlers.stream().collect(Collectors.toMap(EventHandler::provider, Function.identity()));
        this.savepoint = new TransactionTemplate(tx.getTransactionManager());
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.alerts = alerts;
        this.deletedAccounts = deletedAccounts;
    }

    /**
     * Runs the event's handler under a savepoint: an unprocessable outcome undoes only its writes (the
     * caller records it for a retry); an applied one (processed or ignored) is followed by {@link
     * DeletedAccountEvents#afterApplied}, in the same transaction. An event naming a text no provider issues and no retry can store
     * ({@link Json.UnusableText}: a NUL, thousands of characters) can never be applied: its writes are
     * undone, it is finished as ignored with the reason, and the operators are told once, in the
     * transaction that finishes it. Any other failure propagates (retried).
     */
    Outcome handleUnlessUnusable(PaymentEventStore.Stored event, Screened screened) {
        try {
            return savepoint.execute(handling -> {
                Outcome out = handler(event.provider()).handle(event, screened);
                if (out instanceof Outcome.Unprocessable || out instanceof Outcome.Outdated) {
                    handling.setRollbackOnly(); // back to the savepoint: nothing half-applied stays
                } else {
                    deletedAccounts.afterApplied(event);
                }
                return out;
            });
        } catch (Json.UnusableText e) {
            String reason = "unusable event, never retried: " + e.getMessage();
            alerts.raise(
                    AlertKind.BILLING_WEBHOOK_UNUSABLE,
                    PaymentEventStore.storable(
                            "Payment webhook " + event.id() + " (" + event.provider() + " "
                                    + event.eventId() + ", " + event.type() + ") can never be applied: "
                                    + e.getMessage()
                                    + ". It is kept as IGNORED and moved no credits; see /api/v1/admin/webhooks?status=ignored"));
            return new Outcome.Ignored(reason);
        }
    }

    EventHandler handler(String provider) {
        EventHandler handler = handlers.get(provider);
        if (handler == null) {
            throw new IllegalStateException("no handler for payment provider " + provider);
        }
        return handler;
    }
}
