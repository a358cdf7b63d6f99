package dev.renderbank.billing;

import java.time.Instant;

/**
 * A checkout a user opened, as operators see it: PENDING (not yet at the provider), OPEN (the
 * payment page was handed out) or COMPLETED (its payment was recorded as a purchase). {@code
 * offered*}: what it offered when it was opened (null for checkouts opened before offers were kept);
 * {@code providerAnswer}: what the provider last said when reconciliation asked about it (null: never asked).
 */
public record UserCheckout(
        String id,
        String provider,
        String product,
        String status,
        Long offeredCredits,
        Long offeredPriceMinor,
        String offeredCurrency,
        String providerAnswer,
        Instant createdAt) {}
