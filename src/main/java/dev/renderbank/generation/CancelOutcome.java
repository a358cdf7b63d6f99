package dev.renderbank.generation;

/** What became of an owner's request to cancel a job. */
public sealed interface CancelOutcome {

    /** 200: cancelled before the provider saw it; its credits are released. */
    record Cancelled(JobView job) implements CancelOutcome {}

    /** 409: it already reached the provider (which cannot cancel) or has finished. */
    record TooLate(JobView job) implements CancelOutcome {}

    /** 404: no such job of this user. */
    record NotFound() implements CancelOutcome {}
}
