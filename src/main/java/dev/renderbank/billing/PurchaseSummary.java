package dev.renderbank.billing;

import java.time.Instant;

/**
 * A purchase as operators see it: what was bought, paid, granted and taken back. {@code disputed}:
 * a dispute (chargeback) is open; {@code inquiry}: an inquiry is open on it, which took no credits.
 */
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
        boolean inquiry,
        Instant createdAt) {}
