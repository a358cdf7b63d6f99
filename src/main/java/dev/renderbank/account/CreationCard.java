package dev.renderbank.account;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobOptions;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.JobView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One creation in a list (generator's recent list, the creations gallery); its start is written by the
 * template in the user's zone ({@code times}).
 */
record CreationCard(JobView job, CreationStatus status) {

    /**
     * How much of the prompt a card carries: a card shows two lines of it (CSS cuts the rest), and a
     * page of 24 cards need not carry 24 prompts of 4,000 characters for that.
     */
    static final int PREVIEW = 160;

    static CreationCard of(JobView job) {
        return of(job, job.assetId());
    }

    /** The card of {@code job}, its Download link suggesting {@code downloadName}. */
    static CreationCard of(JobView job, String downloadName) {
        return new CreationCard(job, CreationStatus.of(job, downloadName));
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

    /**
     * The provider may still finish this failed job at {@code now}: its result would come free of
     * charge, while trying again starts a new paid job (the card says so next to "Try again").
     */
    public boolean lateResultMayCome(java.time.Instant now) {
        return retryable() && job.lateResultMayCome(now);
    }

    /** A failed job (with no late result to show) may be tried again: a new job with the same input. */
    public boolean retryable() {
        return job.state() == JobState.FAILED && status.assetUrl() == null && !job.assetDeleted();
    }

    /** The start of the prompt, cut at a whole character, "…" when there is more. */
    public String promptPreview() {
        String prompt = job.prompt() == null ? "" : job.prompt();
        if (prompt.codePointCount(0, prompt.length()) <= PREVIEW) {
            return prompt;
        }
        return prompt.substring(0, prompt.offsetByCodePoints(0, PREVIEW)) + "…";
    }

    /** The options in a few words: {@code 1K · png}, {@code 720p · 10 s · landscape · 1 reference image}. */
    public String optionsLine() {
        JobOptions o = job.options() == null ? JobOptions.NONE : job.options();
        List<String> parts = new ArrayList<>();
        add(parts, o.resolution());
        add(parts, o.outputFormat());
        if (o.durationSeconds() != null) {
            parts.add(o.durationSeconds() + " s");
        }
        add(parts, o.aspectRatio());
        int images = o.imageUrls().size();
        if (images > 0) {
            parts.add(images + (images == 1 ? " reference image" : " reference images"));
        }
        return String.join(" · ", parts);
    }

    private static void add(List<String> parts, String value) {
        if (value != null && !value.isBlank()) {
            parts.add(value);
        }
    }
}
