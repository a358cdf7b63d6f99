package dev.renderbank.catalog.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How each KIE model names its {@code input} (one docs.kie.ai page per model; SPEC section 5). KIE
 * ignores names it does not know, so a wrong one silently drops the option: keep one branch per
 * provider model, pinned by a request-shape test. The client API keeps its own names and values.
 */
public final class ProviderInputs {

    private ProviderInputs() {}

    /** {@code format} is the API's value ({@code png} or {@code jpeg}); {@code resolution} 1K, 2K or 4K. */
    public static Map<String, Object> image(
            String providerModel, String prompt, List<String> images, String resolution, String format) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("prompt", prompt);
        switch (providerModel) {
            case "nano-banana-pro" -> {
                // reference images are image_input; the format is png or jpg
                if (!images.isEmpty()) {
                    input.put("image_input", images);
                }
                input.put("resolution", resolution);
                input.put("output_format", format.equals("jpeg") ? "jpg" : format);
            }
            case "google/nano-banana", "google/nano-banana-edit" -> {
                // image_urls (required by -edit), output_format png or jpeg; no resolution: its size,
                // image_size, is an aspect ratio the API does not offer, so KIE's default applies
                if (!images.isEmpty()) {
                    input.put("image_urls", images);
                }
                input.put("output_format", format);
            }
            case "flux-kontext-pro", "flux-kontext-max" -> {
                // KIE's Flux Kontext API (its own endpoint, not createTask; these are the top-level
                // fields of its body, docs.kie.ai/flux-kontext-api/generate-or-edit-image): one
                // inputImage (editing mode; the catalogue takes at most one), outputFormat jpeg or
                // png; no resolution option; aspectRatio is left to KIE (16:9 from text, the input
                // image's own when editing): image requests carry no aspect ratio
                if (!images.isEmpty()) {
                    input.put("inputImage", images.get(0));
                }
                input.put("outputFormat", format);
            }
            default -> {
                // flux-1.1-pro, flux-1.1-pro-ultra, flux-dev, sd: no createTask page on docs.kie.ai to
                // check against; names as before
                if (!images.isEmpty()) {
                    input.put("image_urls", images);
                }
                input.put("output_format", format);
                input.put("resolution", resolution);
            }
        }
        return input;
    }

    /**
     * sora-2-*: {@code size} (standard or high) exists only on the pro models. {@code remove_watermark} is
     * always asked for: the user pays for the video, and KIE's own example request sends it (its
     * playground defaults to it); without it a video could come back with the provider's watermark.
     */
    public static Map<String, Object> video(
            String providerModel, String prompt, List<String> images, String aspect, int seconds, String resolution) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("prompt", prompt);
        if (!images.isEmpty()) {
            input.put("image_urls", images);
        }
        input.put("aspect_ratio", aspect);
        input.put("n_frames", Integer.toString(seconds));
        input.put("remove_watermark", true);
        boolean sizeless = providerModel.startsWith("sora-2-") && !providerModel.startsWith("sora-2-pro-");
        if (!sizeless) {
            input.put("size", resolution.equals("1080p") ? "high" : "standard");
        }
        return input;
    }
}
