package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PaymentEventStore;
import java.time.Clock;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores a verified event (its own committed transaction) and then tries to process it at once. An
 * event naming a deleted account is stored with its personal data erased ({@link
 * DeletedAccountEvents#asStored}).
 */
@Component
public class WebhookIntake {

    public record Receipt(long eventId, String status) {}

    private final PaymentEventStore store;
    private final EventProcessor processor;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final DeletedAccountEvents deletedAccounts;

    WebhookIntake(
            PaymentEventStore store,
            EventProcessor processor,
            TransactionTemplate tx,
            Clock clock,
            DeletedAccountEvents deletedAccounts) {
        this.store = store;
        this.processor = processor;
        this.tx = tx;
        this.clock = clock;
        this.deletedAccounts = deletedAccounts;
    }

    public Receipt receive(String provider, String eventId, String type, String payload) {
        long id = tx.execute(
                s -> store.store(provider, eventId, type, deletedAccounts.asStored(payload), clock.instant()));
        return new Receipt(id, status(processor.process(id)));
    }

    /**
     * A provider's object an operator's repair fetched, as the event its webhook carries, screened as
     * on arrival ({@link EventProcessor#screen}) before any transaction opens; not stored yet.
     */
    public record Fetched(String provider, String eventId, String type, String payload, Screened screened) {}

    /** Screens a fetched event (provider calls, no transaction) for {@link #receiveJoined}. */
    public Fetched screenFetched(String provider, String eventId, String type, String payload) {
        String stored = deletedAccounts.asStored(payload);
        return new Fetched(
                provider,
                eventId,
                type,
                stored,
                processor.screen(new PaymentEventStore.Stored(0, provider, eventId, type, stored, 0)));
    }

    /**
     * Stores a fetched event and processes it in the caller's transaction (a new one if there is none),
     * so an operator's audit record commits with the event and what its processing granted or took, or
     * none of them does. An event stored before (its webhook arrived meanwhile) is processed if it is
     * unfinished, waiting for a transaction that holds it, and skipped ({@code duplicate}) if finished:
     * its grants stay exactly once.
     */
    public Receipt receiveJoined(Fetched f) {
        return tx.execute(s -> {
            long id = store.store(f.provider(), f.eventId(), f.type(), f.payload(), clock.instant());
            Screened screened = f.screened().of(id);
            return new Receipt(id, status(processor.processJoined(screened)));
        });
    }

    /**
     * An operator's "reprocess": the stored event goes through the same processing as on arrival
     * (row lock, handler, "processed" mark), in the caller's transaction so the operator's audit
     * record commits with it; a processed or ignored event is skipped ({@code duplicate}) and can
     * never grant twice, and a reprocess running at the same moment is waited for.
     */
    public String reprocess(Screened screened) {
        return status(processor.processJoined(screened));
    }

    /**
     * The first step of an operator's reprocess, taken before the caller's transaction opens: what the
     * provider's API says of the event ({@link EventHandler#screen}), so no provider call is made
     * while that transaction holds the event and its audit record.
     */
    public Screened screen(long eventId) {
        return processor.screen(eventId);
    }

    /** What the provider is told: the event is stored either way, so it never needs to send it again. */
    private static String status(EventProcessor.Attempt attempt) {
        if (attempt instanceof EventProcessor.Attempt.Skipped) {
            return "duplicate";
        }
        if (attempt instanceof EventProcessor.Attempt.Ran ran) {
            Outcome o = ran.outcome();
            if (o instanceof Outcome.Unprocessable || o instanceof Outcome.Outdated) {
                return "stored-for-retry";
            }
            if (o instanceof Outcome.Processed || o instanceof Outcome.Ignored) {
                return "processed";
            }
        }
        throw new IllegalStateException("unexpected processing attempt " + attempt);
    }
}
