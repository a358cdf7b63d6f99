package dev.renderbank.ledger;

/**
 * A grant's effect: {@code paidDebt} of it went to settle an outstanding debt first, the rest to
 * the balance. {@code repeated} when the key had already granted (nothing new was written).
 */
public record GrantResult(long grantId, long userId, long amount, long paidDebt, boolean repeated) {}
