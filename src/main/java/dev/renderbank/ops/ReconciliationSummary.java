package dev.renderbank.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The latest reconciliation run as the dashboard reports it: when it ran and finished, whether it was
 * clean, its findings that count (not acknowledged) by kind, how many of them no repair has closed
 * yet, how many more operators acknowledged, and which checks it could not make.
 */
public record ReconciliationSummary(
        long runId,
        String trigger,
        Instant startedAt,
        Instant finishedAt,
        boolean clean,
        int findings,
        int unrepaired,
        Map<FindingKind, Long> findingsByKind,
        List<String> skipped,
        int acknowledged) {

    static ReconciliationSummary of(ReconciliationReport r) {
        return new ReconciliationSummary(
                r.runId(),
                r.trigger(),
                r.startedAt(),
                r.finishedAt(),
                r.clean(),
                r.counted().size(),
                (int) r.counted().stream().filter(f -> f.repairedAt() == null).count(),
                r.countsByKind(),
                r.skipped(),
                r.acknowledged());
    }
}
