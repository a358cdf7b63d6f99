package dev.renderbank.ledger;

/**
 * Outcome of {@link Ledger#waiveDebt}: {@code waived} is what was actually forgiven (never more
 * than was owed when the waiver ran, so it may be less than {@code requested}, or zero).
 * {@code repeated} when the key had already been used (nothing new was written).
 */
public record DebtWaived(long userId, long requested, long waived, boolean repeated) {}
