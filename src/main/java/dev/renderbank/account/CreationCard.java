package dev.renderbank.account;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.JobView;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One creation in a list (generator's recent list, the creations gallery). */
record CreationCard(JobView job, CreationStatus status, String started) {

    static CreationCard of(JobView job) {
        return of(job, job.assetId());
    }

    /** The card of {@code job}, its Download link suggesting {@code downloadName}. */
    static CreationCard of(JobView job, String downloadName) {
        return new CreationCard(job, CreationStatus.of(job, downloadName), CreationStatus.when(job.createdAt()));
    }

    /** The cards of {@code jobs}, their Download links named as their downloads are (one query). */
    static List<CreationCard> of(List<JobView> jobs, Generations generations, long userId) {
        List<String> assets =
                jobs.stream().map(JobView::assetId).filter(Objects::nonNull).toList();
        Map<String, String> names = generations.assetFileNames(userId, assets);
        return jobs.stream()
                .map(j -> of(j, j.assetId() == null ? null : names.getOrDefault(j.assetId(), j.assetId())))
                .toList();
    }

    /** A failed job (with no late result to show) may be tried again: a new job with the same input. */
    public boolean retryable() {
        return job.state() == JobState.FAILED && status.assetUrl() == null && !job.assetDeleted();
    }
}
