package dev.renderbank.ledger;

/** Outcome of {@link Ledger#reserve}: expected outcomes are values, not exceptions. */
public sealed interface ReserveResult {

    /** The credits are held. {@code repeated} is true when the key had already reserved them. */
    record Reserved(Hold hold, boolean repeated) implements ReserveResult {}

    /** Nothing was written: available credits are below the price, or the user owes a debt. */
    record InsufficientCredits(long needed, long available, long debt) implements ReserveResult {}
}
