package dev.renderbank.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reconciliation run: when, why, over which window (for the provider checks), what it found and
 * which checks it could not make ({@code skipped}, e.g. a payment provider without an API key). An
 * acknowledged finding ({@link Finding#counted}) is listed but not counted: a run whose findings are
 * all acknowledged is clean.
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
        return counted().isEmpty();
    }

    /** The findings that count: not acknowledged. */
    public List<Finding> counted() {
        return findings.stream().filter(Finding::counted).toList();
    }

    /** How many findings are acknowledged (listed, not counted). */
    public int acknowledged() {
        return findings.size() - counted().size();
    }

    /** The findings that count, by kind. */
    public Map<FindingKind, Long> countsByKind() {
        Map<FindingKind, Long> counts = new TreeMap<>();
        counted().forEach(f -> counts.merge(f.kind(), 1L, Long::sum));
        return counts;
    }
}
