package dev.renderbank.billing;

/**
 * An object a payment provider's API reports (a payment, a refunded charge, a dispute), which a
 * webhook of its own should have recorded here; {@code raw} is the provider's JSON, kept as evidence.
 */
public sealed interface ProviderObject permits ProviderPayment, ProviderRefund, ProviderDispute {

    String provider();

    String raw();
}
