package dev.renderbank.generation;

/** The job state machine (SPEC section 4); terminal states are final. */
public enum JobState {
    RESERVED,
    SUBMITTED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    UNKNOWN;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** The client-facing status: queued, processing, completed, failed. */
    public String status() {
        return switch (this) {
            case RESERVED, SUBMITTED -> "queued";
            case RUNNING, UNKNOWN -> "processing";
            case SUCCEEDED -> "completed";
            case FAILED -> "failed";
        };
    }
}
