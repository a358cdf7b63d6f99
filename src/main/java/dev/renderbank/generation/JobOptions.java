package dev.renderbank.generation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The options a job was accepted with, under the generate request's own field names and as priced
 * (defaults filled in). Only those of the job's type are set ({@code outputFormat} for images;
 * {@code aspectRatio} and {@code durationSeconds} for videos; {@code resolution} for both);
 * {@code imageUrls} only when reference images were given. Unset ones are left out of JSON.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record JobOptions(
        String resolution, String outputFormat, String aspectRatio, Integer durationSeconds, List<String> imageUrls) {

    public JobOptions {
        imageUrls = imageUrls == null ? List.of() : List.copyOf(imageUrls);
    }

    /** Nothing known (a stored row this version cannot read). */
    public static final JobOptions NONE = new JobOptions(null, null, null, null, List.of());
}
