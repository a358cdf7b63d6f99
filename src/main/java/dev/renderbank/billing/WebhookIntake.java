package dev.renderbank.billing;

import java.time.Clock;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Stores a verified event (its own committed transaction) and then tries to process it at once. */
@Component
class WebhookIntake {

    record Receipt(long eventId, String status) {}

    private final PaymentEventStore store;
    private final EventProcessor processor;
    private final TransactionTemplate tx;
    private final Clock clock;

    WebhookIntake(PaymentEventStore store, EventProcessor processor, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.processor = processor;
        this.tx = tx;
        this.clock = clock;
    }

    Receipt receive(String provider, String eventId, String type, String payload) {
        long id = tx.execute(s -> store.store(provider, eventId, type, payload, clock.instant()));
        Outcome outcome = processor.process(id);
        String status = outcome == null
                ? "duplicate"
                : outcome instanceof Outcome.Unprocessable ? "stored-for-retry" : "processed";
        return new Receipt(id, status);
    }
}
