package dev.renderbank.ledger;

/**
 * A grant's effect: {@code paidDebt} of it went to settle an outstanding debt first, the rest to
 * the balance. A repeat of the key is its own case, so a caller tells "granted now" from "granted
 * before" by type, not by a flag.
 */
public sealed interface GrantResult {

    long grantId();

    long userId();

    long amount();

    long paidDebt();

    /** The credits were granted by this call. */
    record Granted(long grantId, long userId, long amount, long paidDebt) implements GrantResult {}

    /**
     * The account is closed (its owner deleted it and its credits were forfeited): the grant is recorded
     * under its key and forfeited in the same transaction, so the balance stays zero and no debt is paid.
     */
    record Forfeited(long grantId, long userId, long amount, long paidDebt) implements GrantResult {}

    /** The key had already granted (nothing new was written); the fields are those of the first grant. */
    record AlreadyGranted(long grantId, long userId, long amount, long paidDebt) implements GrantResult {}
}
