package dev.renderbank.ledger;

/**
 * Outcome of {@link Ledger#giveBack}: the grant, and {@code forgiven}, the part of it that stood for
 * debt an operator had waived of the reversed clawbacks. That part moves nothing (the user already
 * had it for free); the rest paid debt ({@code grant().paidDebt()}) and was credited. A repeat of
 * the key returns the first outcome.
 */
public record GivenBack(GrantResult grant, long forgiven) {

    /** What the give-back was worth to the user: credited or cancelling debt. */
    public long restored() {
        return grant.amount() - forgiven;
    }
}
