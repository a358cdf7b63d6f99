package dev.renderbank.generation;

/** What became of an owner's "try again" on a job. */
public sealed interface RetryOutcome {

    /** The new job's request went through the normal accept path: 202, or its refusal (402, 429 …). */
    record Decided(AcceptOutcome outcome) implements RetryOutcome {}

    /** 409: only a failed job may be tried again (one running or done has nothing to retry). */
    record NotFailed(JobView job) implements RetryOutcome {}

    /** 404: no such job of this user. */
    record NotFound() implements RetryOutcome {}
}
