package dev.renderbank.generation.internal;

import dev.renderbank.generation.JobOptions;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's stored options ({@code generation_job.options}, the client's input as accepted) read back
 * as {@link JobOptions}: what the owner sees and what "try again" resends.
 */
final class StoredOptions {

    private static final Logger log = LoggerFactory.getLogger(StoredOptions.class);
    private static final JsonMapper JSON = JsonMapper.shared();

    /** The key under which a job's stored options keep the client's reference images. */
    static final String IMAGE_URLS = "imageUrls";

    /** Where the provider's input names reference images, per provider model. */
    private static final List<String> PROVIDER_IMAGE_FIELDS = List.of("image_urls", "image_input");

    private StoredOptions() {}

    /**
     * As the owner sees them: a row this code cannot read is shown without options (logged), rather
     * than failing the owner's whole list or export.
     */
    static JobOptions shown(Job job) {
        try {
            return read(job);
        } catch (JacksonException e) {
            log.warn("job {} has stored options that cannot be read; shown without them", job.id());
            return JobOptions.NONE;
        }
    }

    /** The options, strictly: a row that cannot be read is a bug, not a request with the defaults. */
    static JobOptions read(Job job) {
        Map<?, ?> options = JSON.readValue(job.options(), Map.class);
        return new JobOptions(
                text(options.get("resolution")),
                text(options.get("outputFormat")),
                text(options.get("aspectRatio")),
                options.get("durationSeconds") instanceof Number n ? n.intValue() : null,
                imageUrls(job, options));
    }

    /**
     * Jobs accepted before the options kept the reference images have them only in the provider's
     * input, named per provider model ({@code image_urls}, or {@code image_input} for nano-banana-pro).
     * Most jobs have none: the input is parsed only when it names such a field.
     */
    private static List<String> imageUrls(Job job, Map<?, ?> options) {
        if (options.get(IMAGE_URLS) instanceof List<?> urls) {
            return urls.stream().map(String::valueOf).toList();
        }
        String input = job.providerInput();
        if (input == null || PROVIDER_IMAGE_FIELDS.stream().noneMatch(input::contains)) {
            return List.of();
        }
        Map<?, ?> fields = JSON.readValue(input, Map.class);
        for (String name : PROVIDER_IMAGE_FIELDS) {
            if (fields.get(name) instanceof List<?> urls) {
                return urls.stream().map(String::valueOf).toList();
            }
        }
        return List.of();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
