package dev.renderbank.generation.internal;

/** The plain-words reasons shown to users that more than one path of the job engine gives. */
final class FailureReasons {

    static final String PROVIDER_DOWN =
            "The generation service is temporarily unavailable; your credits were not charged.";

    static final String DEADLINE_CODE = "deadline_exceeded";

    static final String DEADLINE = "The generation did not finish in time; your credits were released.";

    private FailureReasons() {}
}
