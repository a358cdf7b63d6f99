package dev.renderbank.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reconciliation run: when, why, over which window (for the provider checks), what it found and
 * which checks it could not make ({@code skipped}, e.g. a payment provider without an API key).
 */
public record ReconciliationReport(
        long runId,
        String trigger,
        String actor,
        Instant windowFrom,
        Instant startedAt,
        Instant finishedAt,
        List<String> skipped,
        List<Finding> findings) {

    public boolean clean() {
        return findings.isEmpty();
    }

    public Map<FindingKind, Long> countsByKind() {
        Map<FindingKind, Long> counts = new TreeMap<>();
        findings.forEach(f -> counts.merge(f.kind(), 1L, Long::sum));
        return counts;
    }
}
