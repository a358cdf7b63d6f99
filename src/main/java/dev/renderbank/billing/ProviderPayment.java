package dev.renderbank.billing;

import java.time.Instant;

/**
 * A payment as the payment provider's API reports it. {@code purchaseKey} is the key its webhook
 * records the purchase under, so "recorded here" is one lookup; {@code raw} is the provider's object
 * (JSON) as evidence.
 */
public record ProviderPayment(
        String provider,
        String kind,
        String objectId,
        String purchaseKey,
        String userId,
        String product,
        Long amountMinor,
        String currency,
        Instant paidAt,
        String raw)
        implements ProviderObject {}
