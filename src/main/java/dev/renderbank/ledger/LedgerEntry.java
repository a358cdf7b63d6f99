package dev.renderbank.ledger;

import java.time.Instant;

/** One immutable line of a user's credit history. */
public record LedgerEntry(
        long id,
        String kind,
        long amount,
        long balanceDelta,
        long heldDelta,
        long debtDelta,
        String reference,
        String source,
        String reason,
        Instant createdAt) {}
