package dev.renderbank.billing;

import java.time.Instant;

/** A purchase as operators see it: what was bought, paid, granted and taken back. */
public record PurchaseSummary(
        long id,
        String provider,
        String product,
        long credits,
        long amountMinor,
        String currency,
        long granted,
        long clawedBack,
        long refundedMinor,
        boolean disputed,
        Instant createdAt) {}
