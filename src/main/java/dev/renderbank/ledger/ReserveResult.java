package dev.renderbank.ledger;

/** Outcome of {@link Ledger#reserve}: expected outcomes are values, not exceptions. */
public sealed interface ReserveResult {

    /** The credits are held. {@code repeated} is true when the key had already reserved them. */
    record Reserved(Hold hold, boolean repeated) implements ReserveResult {}

    /**
     * Nothing was written: available credits were below the price, or the user owes a debt.
     * {@code available} and {@code debt} are read just after the refusal; under concurrency other
     * holds may have been released in between, so {@code available} can already be higher.
     */
    record InsufficientCredits(long needed, long available, long debt) implements ReserveResult {}
}
