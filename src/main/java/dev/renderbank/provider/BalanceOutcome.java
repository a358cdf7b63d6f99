package dev.renderbank.provider;

public sealed interface BalanceOutcome {

    record Known(long credits) implements BalanceOutcome {}

    record Unavailable(ProviderError error) implements BalanceOutcome {}
}
