package dev.renderbank.ledger;

/**
 * Outcome of taking back granted credits. {@code applied} is what this clawback was allowed to
 * take against the grant (never more than was granted in total); {@code taken} came out of the
 * balance and {@code debtAdded} could not (the user had spent or was holding it).
 */
public sealed interface ClawbackResult {

    record ClawedBack(long applied, long taken, long debtAdded, boolean repeated) implements ClawbackResult {}

    record GrantNotFound(String grantKey) implements ClawbackResult {}
}
