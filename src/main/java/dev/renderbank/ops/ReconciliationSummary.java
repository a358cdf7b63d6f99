package dev.renderbank.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The latest reconciliation run as the dashboard reports it: when it ran and finished, whether it was
 * clean, its findings by kind, how many of them no repair has closed yet, and which checks it could
 * not make.
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
        List<String> skipped) {

    static ReconciliationSummary of(ReconciliationReport r) {
        return new ReconciliationSummary(
                r.runId(),
                r.trigger(),
                r.startedAt(),
                r.finishedAt(),
                r.clean(),
                r.findings().size(),
                (int) r.findings().stream().filter(f -> f.repairedAt() == null).count(),
                r.countsByKind(),
                r.skipped());
    }
}
