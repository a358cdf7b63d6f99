package dev.renderbank.provider;

import java.util.Locale;

/**
 * A classified provider failure. Whether a failed createTask may be sent again is not a property of
 * the kind but of the outcome ({@link SubmitOutcome}): a 5xx is UNAVAILABLE, yet may have created a task.
 */
public record ProviderError(Kind kind, int code, String message) {

    public enum Kind {
        /** 402: the provider account is out of credits. Fail the job (release), trip fast refusal. */
        INSUFFICIENT_CREDITS,
        /** 401: our API key is wrong. Trip fast refusal, alert operators. */
        UNAUTHORIZED,
        /** 429: slow down and retry. */
        RATE_LIMITED,
        /**
         * 455, 5xx (a 501 status without KIE's body code 501 included: a gateway's, not KIE's
         * "generation failed"), connection refused, circuit open: ask again later. At createTask only 455,
         * "not connected" and "circuit open" are retried; a 5xx may have created a task (UNKNOWN).
         */
        UNAVAILABLE,
        /** 422 and friends: the request itself is bad. Fail and release. */
        VALIDATION,
        /** KIE's 501 (its body's code) or a content-policy refusal: the generation failed. Fail and release. */
        GENERATION_FAILED,
        /** 404: the provider does not know the task. */
        NOT_FOUND,
        /** 505: the feature is disabled at the provider. Fail and release. */
        FEATURE_DISABLED,
        /** 408 or a read timeout: the outcome is unknown (submit) or must be asked again (query). */
        TIMEOUT,
        /**
         * recordInfo said "success" without result URLs: a record maybe still being written. Asked
         * again; the job fails (and its result is asked for later) only when the answer persists.
         */
        INCOMPLETE_RECORD,
        /**
         * recordInfo answered 200 with a record that has no state (no {@code data}, a null or blank
         * {@code state}): it tells nothing of the task. Asked again like {@link #INCOMPLETE_RECORD}.
         */
        RECORD_WITHOUT_STATE,
        OTHER
    }

    /** Stable reason code recorded on the job and on the ledger entry that releases its credits. */
    public String reasonCode() {
        return "provider_" + kind.name().toLowerCase(Locale.ROOT);
    }
}
