package dev.renderbank.billing;

/**
 * A refunded charge as the payment provider's API reports it: {@code refundedMinor} is the charge's
 * total refunded so far, {@code refs} the ids a purchase here may be known by (charge, payment
 * intent, invoice), {@code raw} the provider's object (JSON) as evidence.
 */
public record ProviderRefund(
        String provider, String chargeId, String refundId, long refundedMinor, java.util.List<String> refs, String raw)
        implements ProviderObject {}
