package dev.renderbank.ledger;

/** What {@link Forfeits#forfeitAll} did. */
public sealed interface ForfeitResult {

    /** The balance was taken to zero; {@code amount} credits forfeited (0: there was nothing). */
    record Forfeited(long amount) implements ForfeitResult {}

    /** Credits are still held by running work: nothing was taken; ask again once they settle. */
    record HoldsOpen(long held) implements ForfeitResult {}
}
