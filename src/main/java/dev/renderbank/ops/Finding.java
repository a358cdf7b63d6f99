package dev.renderbank.ops;

import java.time.Instant;

/**
 * One difference a reconciliation run found. {@code evidence} is JSON text (the rows or the provider's
 * object as seen); {@code repairable} findings offer the operator a one-click repair, after which
 * {@code repairedAt} and the audit record {@code repairedBy} are set. A finding no repair can clear is
 * acknowledged by an operator who dealt with it ({@code acknowledgedAt}, audit record {@code
 * acknowledgedBy}): it is listed still, but not counted in the alert, the exit code or the gauge.
 */
public record Finding(
        long id,
        long runId,
        FindingKind kind,
        String subject,
        String evidence,
        boolean repairable,
        Instant repairedAt,
        Long repairedBy,
        Instant acknowledgedAt,
        Long acknowledgedBy) {

    /** Counted: neither acknowledged nor stored as acknowledged by a run. */
    public boolean counted() {
        return acknowledgedBy == null;
    }
}
