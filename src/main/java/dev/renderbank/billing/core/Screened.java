package dev.renderbank.billing.core;

import java.util.Optional;

/**
 * What a stored event's handler said of it before its transaction ({@link EventHandler#screen}):
 * {@link Outcome.Ignored} (not this application's), {@link Outcome.Unprocessable} (the provider
 * could not be asked: retried), or empty (handle it in the transaction), with what the provider
 * reported of the refunded charge, when the event is such a refund ({@link
 * EventHandler#askRefundTotal}), handed to the handler.
 */
public record Screened(long eventId, Optional<Outcome> outcome, Optional<RefundTotals.Asked> refundTotal) {

    public Screened(long eventId, Optional<Outcome> outcome) {
        this(eventId, outcome, Optional.empty());
    }
}
