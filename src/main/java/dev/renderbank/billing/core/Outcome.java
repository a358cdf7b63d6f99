package dev.renderbank.billing.core;

/** What handling one stored payment event came to. */
public sealed interface Outcome {

    /** Done: the event's effects (grant, clawback, status) are written in this transaction. */
    record Processed(String note) implements Outcome {}

    /** Nothing to do (unknown type, unpaid checkout, superseded status): acknowledged and kept. */
    record Ignored(String reason) implements Outcome {}

    /**
     * Cannot be applied now (unknown product or user, malformed): rolled back, kept, retried with
     * backoff. {@code bounded}: it waits for something that may never come (a Creem order renderbank
     * never recorded) or that only an operator can bring (a Creem product the catalogue lacks), so it is retried through the backoff schedule once ({@link
     * dev.renderbank.billing.db.PaymentEventStore#BOUNDED_ATTEMPTS} attempts), then kept FAILED for an
     * operator, no longer retried, and the operators are told.
     */
    record Unprocessable(String error, boolean bounded) implements Outcome {

        public Unprocessable(String error) {
            this(error, false);
        }
    }

    /**
     * What the provider's API was asked before the transaction ({@link EventHandler#screen}) may be
     * older than what another event of the same charge applied meanwhile: rolled back, and the
     * provider asked again at once; recorded for a retry like {@link Unprocessable} if that keeps
     * happening, or on an operator's reprocess (whose transaction is open already).
     */
    record Outdated(String reason) implements Outcome {}
}
