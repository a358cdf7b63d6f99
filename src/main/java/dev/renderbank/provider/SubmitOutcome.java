package dev.renderbank.provider;

public sealed interface SubmitOutcome {

    /** The provider created the task. */
    record Accepted(String providerTaskId) implements SubmitOutcome {}

    /** The provider answered and refused; no task exists. */
    record Rejected(ProviderError error) implements SubmitOutcome {}

    /** We do not know whether a task was created (read timeout after sending). Never resubmit. */
    record Unknown(String why) implements SubmitOutcome {}
}
