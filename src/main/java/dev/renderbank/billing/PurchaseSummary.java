package dev.renderbank.billing;

import java.time.Instant;

/**
 * A purchase as operators see it: what was bought, paid, granted and taken back. {@code granted}:
 * credits granted for what was bought (give-backs not counted); {@code clawedBack}: taken back by
 * refunds and disputes, less what give-backs (a refund that failed, a dispute won) returned; {@code
 * switchClawed}: taken back by plan switches (unused time credited back as money). The user keeps
 * granted - clawedBack - switchClawed. {@code disputed}: a dispute (chargeback) is open; {@code
 * inquiry}: an inquiry is open on it, which took no credits.
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
        long switchClawed,
        long refundedMinor,
        boolean disputed,
        boolean inquiry,
        Instant createdAt) {}
