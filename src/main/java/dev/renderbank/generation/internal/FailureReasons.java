package dev.renderbank.generation.internal;

import dev.renderbank.provider.ProviderError;

/** The plain-words reasons shown to users that more than one path of the job engine gives. */
final class FailureReasons {

    static final String PROVIDER_DOWN =
            "The generation service is temporarily unavailable; your credits were not charged.";

    static final String DEADLINE_CODE = "deadline_exceeded";

    static final String DEADLINE = "The generation did not finish in time; your credits were released.";

    /**
     * The provider refused work (429, 455, out of credits, not connected) until too little of the
     * job's deadline was left to send it ({@code renderbank.jobs.min-time-left}): never sent.
     */
    static final String UNAVAILABLE_TOO_LONG_CODE = "provider_unavailable_too_long";

    static final String UNAVAILABLE_TOO_LONG = "The provider was unavailable for too long; your credits were released.";

    /** recordInfo kept answering 404 or 422 for the job's task ({@link RecordGaps}). */
    static final String TASK_NOT_FOUND_CODE = "provider_task_not_found";

    /** The provider reported success without a result file (and kept doing so: {@link RecordGaps}). */
    static final String NO_OUTPUT_CODE = "provider_no_output";

    /** recordInfo kept answering 200 with a record that has no state ({@link RecordGaps}). */
    static final String NO_STATE_CODE = "provider_record_without_state";

    static final String NO_OUTPUT = "The provider reported success without a file. Your credits were released.";

    /**
     * The one rule of whose fault a provider's refusal is, and so whether the failed job gives the
     * user's cooldown back. 400 and 422 refuse the user's own input (a prompt or image the provider
     * will not take, content policy included): the cooldown stays, or bad requests could be sent to
     * the provider again and again without one. Everything else is the provider's (an error, an
     * outage, its credits or our key, a generation it could not finish): the cooldown is given back.
     * A switch over every kind: a new kind does not compile until it is decided here.
     */
    static boolean isUsersInput(ProviderError error) {
        return switch (error.kind()) {
            case VALIDATION -> true;
            case INSUFFICIENT_CREDITS,
                    UNAUTHORIZED,
                    RATE_LIMITED,
                    UNAVAILABLE,
                    GENERATION_FAILED,
                    NOT_FOUND,
                    FEATURE_DISABLED,
                    TIMEOUT,
                    INCOMPLETE_RECORD,
                    RECORD_WITHOUT_STATE,
                    OTHER -> false;
        };
    }

    /**
     * Whether a failed task's {@code failCode} (recordInfo, and Flux Kontext's {@code errorCode})
     * refuses the user's own input. KIE's codes are the ones its answers use (the 402 of its credits is
     * read from a failed record too), and it documents 400 as "prompt violates content policies or
     * other input errors" (its Veo callbacks; "content policy violations (code 400)" for Flux Kontext)
     * and 422 as validation. Such a failure is the refusal a 400/422 at createTask is, and keeps the
     * cooldown ({@link #isUsersInput}). The message is not read: its words are not documented and
     * differ per model. Any other code (500, 501, none) is the provider's.
     */
    static boolean refusesUsersInput(String failCode) {
        if (failCode == null) {
            return false;
        }
        String code = failCode.strip();
        return code.equals("400") || code.equals("422");
    }

    private FailureReasons() {}
}
