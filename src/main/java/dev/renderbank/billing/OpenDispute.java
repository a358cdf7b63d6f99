package dev.renderbank.billing;

import java.time.Instant;

/**
 * An open dispute for the operators' payments page: the share of the charge it disputes (in the
 * purchase's amount) and the credits it took back; {@code operatorCloses} when only an operator can
 * close it (its provider never reports the end).
 */
public record OpenDispute(
        String provider,
        String disputeId,
        long purchaseId,
        long userId,
        String product,
        long amountMinor,
        String currency,
        long clawed,
        Instant createdAt,
        boolean operatorCloses) {}
