package dev.renderbank.generation;

/** What a provider callback (only ever a hint) did. */
public enum CallbackOutcome {
    /** The job's token matched: the provider was asked about the job, which moved on if it had news. */
    CHECKED,
    /** Unknown job or wrong token: nothing happened. */
    REFUSED,
    /** The job's token matched, but the callback names a provider task that is another job's: nothing happened. */
    CONFLICT
}
