package dev.renderbank.generation;

import dev.renderbank.provider.ProviderError;
import java.util.HashMap;
import java.util.Map;

/**
 * The codes a job ends with unpaid (its error code, and the reason of the ledger entry releasing its
 * credits) in words a user reads: "not charged (…)". The codes stay as they are for machines (the
 * API's {@code error.code}, the ledger's reason); a code shown as words misled, {@code
 * provider_insufficient_credits} read as the user's own credits running out.
 */
public final class FailureCodes {

    /** For a code this release does not know (one of a newer node, or an old row's own text). */
    static final String UNKNOWN = "the generation failed";

    private static final Map<String, String> WORDS = words();

    private FailureCodes() {}

    /** The words of {@code code}; a generic phrase, never the code, when it is not known. */
    public static String inWords(String code) {
        return code == null ? UNKNOWN : WORDS.getOrDefault(code, UNKNOWN);
    }

    private static Map<String, String> words() {
        Map<String, String> words = new HashMap<>();
        for (ProviderError.Kind kind : ProviderError.Kind.values()) {
            words.put(new ProviderError(kind, 0, "").reasonCode(), provider(kind));
        }
        // the job engine's own codes (generation.internal: FailureReasons, JobTransitions, JobPolling …)
        words.put("deadline_exceeded", "it took too long");
        words.put("cancelled", "you cancelled it");
        words.put("operator_failed", "stopped by an operator");
        words.put("ACCOUNT_DELETED", "the account was deleted");
        words.put("provider_unavailable_too_long", "the generation service was unavailable for too long");
        words.put("provider_task_not_found", "the generation service lost track of it");
        words.put("provider_no_output", "the generation service returned no file");
        words.put("provider_record_without_state", "the generation service did not say how it went");
        words.put("output_refused", "its result could not be stored safely");
        return Map.copyOf(words);
    }

    /** A switch over every kind: a new kind does not compile until it has its words. */
    private static String provider(ProviderError.Kind kind) {
        return switch (kind) {
            case INSUFFICIENT_CREDITS, UNAUTHORIZED, UNAVAILABLE -> "the generation service was unavailable";
            case RATE_LIMITED -> "the generation service was too busy";
            case VALIDATION -> "the generation service refused the prompt or input";
            case GENERATION_FAILED -> "the generation service could not make it";
            case NOT_FOUND -> "the generation service lost track of it";
            case FEATURE_DISABLED -> "the generation service does not offer it right now";
            case TIMEOUT -> "the generation service did not answer in time";
            case INCOMPLETE_RECORD -> "the generation service returned no file";
            case RECORD_WITHOUT_STATE -> "the generation service did not say how it went";
            case OTHER -> "the generation service failed";
        };
    }
}
