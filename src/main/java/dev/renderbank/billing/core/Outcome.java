package dev.renderbank.billing.core;

/** What handling one stored payment event came to. */
public sealed interface Outcome {

    /** Done: the event's effects (grant, clawback, status) are written in this transaction. */
    record Processed(String note) implements Outcome {}

    /** Nothing to do (unknown type, unpaid checkout, superseded status): acknowledged and kept. */
    record Ignored(String reason) implements Outcome {}

    /** Cannot be applied now (unknown product or user, malformed): rolled back, kept, retried with backoff. */
    record Unprocessable(String error) implements Outcome {}
}
