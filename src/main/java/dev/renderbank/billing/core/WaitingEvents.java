package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.billing.db.PurchaseRefStore;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wakes the stored events that wait for a purchase (a refund or dispute that arrived before its
 * order) when that purchase's provider ids are recorded.
 *
 * <p>Twice: in the transaction that records the ids, the events already parked that no attempt
 * holds (so a crash after the commit leaves none behind; one an attempt holds is skipped, as that
 * transaction holds the purchase's rows and the attempt may be waiting for them: see {@link
 * PaymentEventStore#wakeParked}); and once that transaction has committed, every unfinished event
 * naming the ids, one row at a time, each waiting for an attempt that holds its row. An event whose
 * last attempt read no purchase before the commit parks under that attempt's lock ({@link
 * EventProcessor}), so the second wake, waiting for the lock, finds it parked and makes it due; any
 * attempt that starts later sees the purchase.
 */
@Component
public class WaitingEvents {

    private static final Logger log = LoggerFactory.getLogger(WaitingEvents.class);

    private final PaymentEventStore events;
    private final PurchaseRefStore purchaseRefs;
    private final TransactionTemplate apart;
    private final Clock clock;

    WaitingEvents(
            PaymentEventStore events,
            PurchaseRefStore purchaseRefs,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.events = events;
        this.purchaseRefs = purchaseRefs;
        // after the commit the finished transaction is still bound to the thread: a new one per row
        this.apart = new TransactionTemplate(transactions);
        this.apart.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    /** Wakes the events of {@code provider} naming one of {@code refs}, now and after this transaction commits. */
    void purchaseRecorded(String provider, List<String> refs) {
        events.wakeParked(provider, refs, clock.instant());
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return; // no transaction: nothing is committed later
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wakeUnfinished(provider, refs);
            }
        });
    }

    private void wakeUnfinished(String provider, List<String> refs) {
        try {
            if (purchaseRefs.purchaseOf(provider, refs).isEmpty()) {
                return; // recorded under a savepoint that was rolled back: nothing new to wait for
            }
            int woken = 0;
            for (long id : events.unfinishedNaming(provider, refs)) {
                // one row per transaction: it waits for an attempt holding that row, holding no other
                Boolean due = apart.execute(s -> events.makeDue(id, clock.instant()));
                woken += Boolean.TRUE.equals(due) ? 1 : 0;
            }
            if (woken > 0) {
                log.info("Made due {} stored {} event(s) naming {} once it was recorded", woken, provider, refs);
            }
        } catch (RuntimeException e) {
            // the purchase is recorded; an event left parked is reported by its alert and can be reprocessed
            log.warn("Waking the stored {} events naming {} failed: {}", provider, refs, e.toString());
        }
    }
}
