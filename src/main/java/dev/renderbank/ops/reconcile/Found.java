package dev.renderbank.ops.reconcile;

import dev.renderbank.ops.FindingKind;
import java.time.Instant;
import java.util.Map;

/**
 * A difference as a check reports it, before it is stored as a finding. {@code since}: when the
 * provider's object was created, for a payment finding whose object says so (the run reads the
 * provider back to it while the finding is open); null otherwise.
 */
public record Found(FindingKind kind, String subject, Map<String, Object> evidence, boolean repairable, Instant since) {

    public Found(FindingKind kind, String subject, Map<String, Object> evidence, boolean repairable) {
        this(kind, subject, evidence, repairable, null);
    }

    public static Found of(FindingKind kind, String subject, Map<String, Object> evidence) {
        return new Found(kind, subject, evidence, false);
    }
}
