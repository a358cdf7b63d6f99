package dev.renderbank.billing.core;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a stored event's handler said of it before its transaction ({@link EventHandler#screen}):
 * {@link Outcome.Ignored} (not this application's), {@link Outcome.Unprocessable} (the provider
 * could not be asked: retried), or empty (handle it in the transaction), with what the provider
 * reported of the refunded charge, when the event is such a refund ({@link
 * EventHandler#askRefundTotal}), and the object the event names by id only that its handling needs,
 * as the provider's API gave it ({@link EventHandler#fetchNamed}), handed to the handler.
 */
public record Screened(
        long eventId, Optional<Outcome> outcome, Optional<RefundTotals.Asked> refundTotal, Optional<JsonNode> fetched) {

    public Screened(long eventId, Optional<Outcome> outcome) {
        this(eventId, outcome, Optional.empty(), Optional.empty());
    }

    /** The same answers, for the stored event {@code id} (an operator's repair stores it after asking). */
    public Screened of(long id) {
        return new Screened(id, outcome, refundTotal, fetched);
    }
}
