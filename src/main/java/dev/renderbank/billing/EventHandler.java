package dev.renderbank.billing;

/** Applies one provider's events; runs inside the transaction that marks the event processed. */
interface EventHandler {

    String provider();

    Outcome handle(PaymentEventStore.Stored event);
}
