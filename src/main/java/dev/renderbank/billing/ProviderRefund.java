package dev.renderbank.billing;

/**
 * A refunded charge as the payment provider's API reports it: {@code refundedMinor} is the charge's
 * total refunded so far, {@code refs} the ids a purchase here may be known by (charge, payment
 * intent, invoice), {@code raw} the provider's object (JSON) as evidence. {@code replayable}: whether
 * it can be fed again as the event its webhook carries, under the same key (not for Creem, whose API
 * names no refund id).
 */
public record ProviderRefund(
        String provider,
        String chargeId,
        String refundId,
        long refundedMinor,
        java.util.List<String> refs,
        String raw,
        boolean replayable)
        implements ProviderObject {

    public ProviderRefund(
            String provider,
            String chargeId,
            String refundId,
            long refundedMinor,
            java.util.List<String> refs,
            String raw) {
        this(provider, chargeId, refundId, refundedMinor, refs, raw, true);
    }
}
