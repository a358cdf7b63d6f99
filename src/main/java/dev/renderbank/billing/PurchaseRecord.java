package dev.renderbank.billing;

import java.time.Instant;

/** A paid charge as its buyer sees it (the "download my data" export, the credits page). */
public record PurchaseRecord(
        long id,
        String provider,
        String product,
        long credits,
        long amountMinor,
        String currency,
        long refundedMinor,
        Instant createdAt) {}
