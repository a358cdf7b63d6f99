package dev.renderbank.account;

import dev.renderbank.generation.JobState;
import dev.renderbank.generation.JobView;

/** One creation in a list (generator's recent list, the creations gallery). */
record CreationCard(JobView job, CreationStatus status, String started) {

    static CreationCard of(JobView job) {
        return new CreationCard(job, CreationStatus.of(job), CreationStatus.when(job.createdAt()));
    }

    /** A failed job (with no late result to show) may be tried again: a new job with the same input. */
    public boolean retryable() {
        return job.state() == JobState.FAILED && status.assetUrl() == null && !job.assetDeleted();
    }
}
