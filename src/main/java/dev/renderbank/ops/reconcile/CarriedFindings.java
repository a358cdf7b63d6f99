package dev.renderbank.ops.reconcile;

import dev.renderbank.ops.FindingKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * Open findings of the previous run that this run could not check again, carried into it as they
 * stood with a note why ({@code notCheckedAgain} in the evidence), so that a difference does not drop
 * out of the latest report only because a provider did not answer or lies beyond what a run reads.
 */
public final class CarriedFindings {

    private static final JsonMapper JSON = JsonMapper.shared();

    private CarriedFindings() {}

    /**
     * The open payment findings of the previous run this run could not see again: their provider was
     * not asked (or not about everything: "not checked"), or their object lies before the furthest
     * this run reads ({@code reach}). They stand as they were, with a note why, until a run sees them
     * recorded or an operator repairs them; one that was looked for and is no longer reported is
     * recorded by now (its webhook arrived) and is not carried.
     */
    public static List<Found> notSeenAgain(
            List<FindingStore.Open> open,
            List<Found> found,
            List<String> skipped,
            Instant paymentsFrom,
            Duration reach) {
        Set<String> seen = found.stream().map(Found::subject).collect(Collectors.toSet());
        List<Found> carried = new ArrayList<>();
        for (FindingStore.Open o : open) {
            String provider = o.subject().substring(0, Math.max(0, o.subject().indexOf(':')));
            Optional<String> why = skipped.stream()
                    .filter(s -> s.startsWith(provider + ":"))
                    .findFirst()
                    .or(() -> o.since().isBefore(paymentsFrom)
                            ? Optional.of("older than the " + reach.toDays() + " days a run reads back")
                            : Optional.empty());
            if (seen.contains(o.subject()) || why.isEmpty()) {
                continue;
            }
            carried.add(new Found(o.kind(), o.subject(), carriedEvidence(o, why.get()), true, o.since()));
        }
        return carried;
    }

    /**
     * The open provider differences of the previous run whose job this run asked the provider about
     * and got no answer (an outage, a refused key, the command line without the simulator's key):
     * they stand as they were, with the note why, until a run that is answered finds them gone. One
     * whose job the provider answered and that was not found again agrees by now; one whose job left
     * the sample drops out, as any job older than the sample does.
     */
    public static List<Found> notAskedAgain(
            List<FindingStore.Open> open, List<Found> found, ProviderJobChecks.Checked sampled) {
        Set<String> seen = found.stream()
                .filter(f -> f.kind() == FindingKind.JOB_PROVIDER_DISAGREES)
                .map(Found::subject)
                .collect(Collectors.toSet());
        List<Found> carried = new ArrayList<>();
        for (FindingStore.Open o : open) {
            if (seen.contains(o.subject()) || !sampled.unanswered().contains(o.subject())) {
                continue;
            }
            carried.add(new Found(
                    o.kind(), o.subject(), carriedEvidence(o, sampled.skipped().get(0)), false, o.since()));
        }
        return carried;
    }

    /** A carried finding's evidence: as it stood, with why it was not checked again. */
    private static Map<String, Object> carriedEvidence(FindingStore.Open o, String why) {
        @SuppressWarnings("unchecked")
        Map<String, Object> evidence = new LinkedHashMap<>(JSON.readValue(o.evidence(), Map.class));
        evidence.put("notCheckedAgain", why);
        return evidence;
    }
}
