package dev.renderbank.ledger;

/** Outcome of capturing or releasing a hold. */
public sealed interface SettleResult {

    /** The hold is now in the asked state; {@code repeated} when it already was (idempotent repeat). */
    record Settled(Hold hold, boolean repeated) implements SettleResult {}

    /** The hold was already settled the other way (capture after release, release after capture). */
    record Refused(Hold hold) implements SettleResult {}

    record NotFound(String key) implements SettleResult {}
}
