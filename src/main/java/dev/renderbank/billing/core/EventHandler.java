package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PaymentEventStore;

/** Applies one provider's events; runs inside the transaction that marks the event processed. */
public interface EventHandler {

    String provider();

    Outcome handle(PaymentEventStore.Stored event);
}
