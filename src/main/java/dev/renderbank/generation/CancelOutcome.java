package dev.renderbank.generation;

/** What became of an owner's request to cancel a job. */
public sealed interface CancelOutcome {

    /**
     * 200: cancelled before the provider saw it, its credits released: by this request, or by an
     * earlier cancel of its owner (a repeat, whose first answer may have been lost), which this one
     * does not do again.
     */
    record Cancelled(JobView job) implements CancelOutcome {}

    /**
     * 409: it is being sent to or is at the provider (which cannot cancel), or it finished otherwise
     * than by its owner's cancel; {@code job} as it is now, to say which.
     */
    record TooLate(JobView job) implements CancelOutcome {}

    /** 404: no such job of this user. */
    record NotFound() implements CancelOutcome {}
}
