package dev.renderbank.ops.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The findings operators acknowledged, as a run reads them when it starts (its checks keep their room
 * for the findings that count) and again when it stores its findings: keyed by kind and subject,
 * each with the evidence acknowledged. A run's finding is acknowledged when one of the same kind and
 * subject was acknowledged with the same evidence; one whose evidence differs (a second capture of
 * the same job, another amount) is a new difference and counts. Evidence is compared as JSON values
 * (the order of fields and the spelling of numbers aside), without the note a carried finding gets
 * ({@code notCheckedAgain}).
 */
public final class Acknowledgements {

    private static final JsonMapper JSON = JsonMapper.shared();

    /** An acknowledgement: its audit record, when, and the evidence it acknowledged. */
    public record Acknowledged(long actionId, Instant at, Map<String, Object> evidence) {}

    private final Map<String, List<Acknowledged>> byFinding;
    private final int size;

    Acknowledgements(Map<String, List<Acknowledged>> byFinding) {
        this.byFinding = byFinding;
        this.size = byFinding.values().stream().mapToInt(List::size).sum();
    }

    static String key(String kind, String subject) {
        return kind + " " + subject;
    }

    /** How many findings are acknowledged (a check reads this many rows more than it shows). */
    public int size() {
        return size;
    }

    /** The acknowledgement that covers {@code f}: same kind, subject and evidence. */
    public Optional<Acknowledged> of(Found f) {
        List<Acknowledged> of = byFinding.getOrDefault(key(f.kind().name(), f.subject()), List.of());
        if (of.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> evidence = normal(JSON.writeValueAsString(f.evidence()));
        return of.stream().filter(a -> a.evidence().equals(evidence)).findFirst();
    }

    /**
     * What a check stores of the findings it read, in its order: every acknowledged one (listed, not
     * counted) and the first {@code shown} of the others.
     */
    List<Found> shown(List<Found> read, int shown) {
        List<Found> kept = new ArrayList<>();
        int counted = 0;
        for (Found f : read) {
            if (of(f).isPresent()) {
                kept.add(f);
            } else if (counted < shown) {
                kept.add(f);
                counted++;
            }
        }
        return kept;
    }

    /** Evidence as a comparable value: parsed from its JSON text, without a carried finding's note. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normal(String evidenceJson) {
        Map<String, Object> m = new LinkedHashMap<>(JSON.readValue(evidenceJson, Map.class));
        m.remove("notCheckedAgain");
        return m;
    }
}
