package dev.renderbank.billing;

/**
 * A refunded charge as the payment provider's API reports it: {@code refundedMinor} is the charge's
 * total refunded so far, {@code refs} the ids a purchase here may be known by (charge, payment
 * intent, invoice), {@code raw} the provider's object (JSON) as evidence. {@code replayable}: whether
 * it can be fed again as the event its webhook carries, under the same key (not for Creem, whose API
 * names no refund id). {@code exact}: the provider's total is the authority both ways, so a total
 * recorded here above it (a refund that failed or was canceled at Stripe) is a difference too.
 */
public record ProviderRefund(
        String provider,
        String chargeId,
        String refundId,
        long refundedMinor,
        java.util.List<String> refs,
        String raw,
        boolean replayable,
        boolean exact)
        implements ProviderObject {

    /** A total only ever rising at the provider ({@code exact} false). */
    public ProviderRefund(
            String provider,
            String chargeId,
            String refundId,
            long refundedMinor,
            java.util.List<String> refs,
            String raw,
            boolean replayable) {
        this(provider, chargeId, refundId, refundedMinor, refs, raw, replayable, false);
    }

    /** Whether {@code refundedHere}, the total recorded here, reflects this one. */
    public boolean recordedAs(long refundedHere) {
        return exact ? refundedHere == refundedMinor : refundedHere >= refundedMinor;
    }
}
