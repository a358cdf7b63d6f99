package dev.renderbank.billing;

/**
 * What an operator's closing of a dispute as won or lost came to ({@link
 * OperatorBilling#closeDispute}). Only a provider that never reports a dispute's end (Creem) has its
 * disputes closed by an operator; a Stripe dispute is closed by Stripe's {@code
 * charge.dispute.closed}.
 */
public sealed interface DisputeClosing {

    /**
     * Closed now: won gave back what the dispute took and is owed again, lost keeps it taken; either
     * way a yearly plan's months that waited are granted. {@code clawed}: what the dispute took back.
     */
    record Closed(String provider, long purchaseId, long clawed, String result) implements DisputeClosing {}

    /** Closed before with the outcome asked for (by another operator, or this one a moment ago): nothing changed. */
    record AlreadyClosed(String provider, String status) implements DisputeClosing {}

    /** Not open, and not as asked (closed with the other outcome): nothing changed. */
    record Conflict(String provider, String status) implements DisputeClosing {}

    /** A dispute of a provider that reports its own closing: its webhook closes it, not an operator. */
    record ClosedByProvider(String provider) implements DisputeClosing {}

    /** No dispute is recorded under this id. */
    record Unknown() implements DisputeClosing {}
}
