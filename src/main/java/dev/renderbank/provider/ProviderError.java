package dev.renderbank.provider;

/** A classified provider failure; {@code kind} decides what the job engine does with it. */
public record ProviderError(Kind kind, int code, String message) {

    public enum Kind {
        /** 402: the provider account is out of credits. Fail the job (release), trip fast refusal. */
        INSUFFICIENT_CREDITS(false),
        /** 401: our API key is wrong. Trip fast refusal, alert operators. */
        UNAUTHORIZED(false),
        /** 429: slow down and retry. */
        RATE_LIMITED(true),
        /** 455, 5xx, connection refused, circuit open: retry with backoff. */
        UNAVAILABLE(true),
        /** 422 and friends: the request itself is bad. Fail and release. */
        VALIDATION(false),
        /** 501 or a content-policy refusal: the generation failed. Fail and release. */
        GENERATION_FAILED(false),
        /** 404: the provider does not know the task. */
        NOT_FOUND(false),
        /** 505: the feature is disabled at the provider. Fail and release. */
        FEATURE_DISABLED(false),
        /** Read timed out: the outcome is unknown (submit) or must be asked again (query). */
        TIMEOUT(true),
        OTHER(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    /** Stable reason code recorded on the job and on the ledger entry that releases its credits. */
    public String reasonCode() {
        return "provider_" + kind.name().toLowerCase();
    }
}
