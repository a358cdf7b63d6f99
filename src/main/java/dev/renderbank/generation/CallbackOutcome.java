package dev.renderbank.generation;

/** What a provider callback (only ever a hint) did. */
public enum CallbackOutcome {
    /** The job's token matched: the provider was asked about the job, which moved on if it had news. */
    CHECKED,
    /** Unknown job or wrong token: nothing happened. */
    REFUSED
}
