package dev.renderbank.ops;

import java.time.Instant;

/**
 * One difference a reconciliation run found. {@code evidence} is JSON text (the rows or the provider's
 * object as seen); {@code repairable} findings offer the operator a one-click repair, after which
 * {@code repairedAt} and the audit record {@code repairedBy} are set.
 */
public record Finding(
        long id,
        long runId,
        FindingKind kind,
        String subject,
        String evidence,
        boolean repairable,
        Instant repairedAt,
        Long repairedBy) {}
