package dev.renderbank.ops.reconcile;

import dev.renderbank.ops.FindingKind;
import java.util.Map;

/** A difference as a check reports it, before it is stored as a finding. */
public record Found(FindingKind kind, String subject, Map<String, Object> evidence, boolean repairable) {

    public static Found of(FindingKind kind, String subject, Map<String, Object> evidence) {
        return new Found(kind, subject, evidence, false);
    }
}
