package dev.renderbank.catalog;

import dev.renderbank.catalog.CatalogProperties.ModelConfig;
import dev.renderbank.catalog.internal.ProviderInputs;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Models, options and prices; turns a client request into a priced provider call. */
@Service
public class Catalog {

    public static final int MAX_PROMPT = 4000;
    static final int MAX_URL = 2048;
    static final List<String> IMAGE_RESOLUTIONS = List.of("1K", "2K", "4K");
    static final List<String> OUTPUT_FORMATS = List.of("png", "jpeg");
    static final List<String> VIDEO_RESOLUTIONS = List.of("720p", "1080p");
    static final List<String> ASPECT_RATIOS = List.of("landscape", "portrait");
    static final List<Integer> DURATIONS = List.of(10, 15);

    private final Map<String, ModelConfig> models;
    private final Map<String, ModelOffer> offers = new java.util.HashMap<>();

    Catalog(CatalogProperties props) {
        this.models = props.models();
        models.forEach((id, m) -> {
            if (m.type() == null
                    || m.providerModel() == null
                    || (m.price() == null && m.prices().isEmpty())) {
                throw new IllegalStateException(
                        "renderbank.catalog.models." + id + " needs type, provider-model and price or prices");
            }
        });
        CatalogOffers.of(models).forEach(o -> offers.put(o.id(), o));
    }

    /** What a request that leaves option {@code name} out gets: the default its offer advertises. */
    private Object defaultOf(String model, String name) {
        return offers.get(model).options().stream()
                .filter(o -> o.name().equals(name))
                .map(ModelOffer.Option::defaultValue)
                .findFirst()
                .orElse(null);
    }

    public Map<String, ModelConfig> models() {
        return Map.copyOf(models);
    }

    /** The option a model's price is set for (its {@code prices} key): {@value #SINGLE_PRICE} without one. */
    public static final String SINGLE_PRICE = "default";

    /**
     * The priced option of a job of {@code model} with these options, as its {@code prices} map
     * names it: the resolution for images ({@code 2K}), resolution and duration for videos ({@code
     * 720p-10}); {@value #SINGLE_PRICE} for a model with one price. Empty for an unknown model.
     */
    public Optional<String> priceKey(String model, String resolution, Integer durationSeconds) {
        ModelConfig m = models.get(model);
        if (m == null) {
            return Optional.empty();
        }
        if (m.prices().isEmpty()) {
            return Optional.of(SINGLE_PRICE);
        }
        // a job whose options were erased (an account deleted before they were kept) names no option
        if (resolution == null || (m.type() == AssetType.VIDEO && durationSeconds == null)) {
            return Optional.empty();
        }
        return Optional.of(m.type() == AssetType.IMAGE ? resolution : resolution + "-" + durationSeconds);
    }

    /**
     * Every key a {@code prices} table of a model of this type may have, whether on sale or not:
     * {@code 1K|2K|4K} for images, {@code (720p|1080p)-(10|15)} for videos.
     */
    public static List<String> possiblePriceKeys(AssetType type) {
        if (type == AssetType.IMAGE) {
            return IMAGE_RESOLUTIONS;
        }
        List<String> keys = new ArrayList<>();
        VIDEO_RESOLUTIONS.forEach(r -> DURATIONS.forEach(d -> keys.add(r + "-" + d)));
        return List.copyOf(keys);
    }

    /** Every priced option of {@code model} (its {@code prices} keys, or {@value #SINGLE_PRICE}). */
    public List<String> priceKeys(String model) {
        ModelConfig m = models.get(model);
        return m == null
                ? List.of()
                : m.prices().isEmpty()
                        ? List.of(SINGLE_PRICE)
                        : List.copyOf(m.prices().keySet());
    }

    /** Every model with its options on sale and their prices, by model id (what pages and clients show). */
    public List<ModelOffer> offers() {
        return CatalogOffers.of(models);
    }

    /** Validates a request field by field (cheapest first) and prices it. Writes nothing. */
    public Pricing price(GenerationSpec spec) {
        ModelConfig m = spec.model() == null ? null : models.get(spec.model());
        if (spec.model() == null || spec.model().isBlank()) {
            return new Pricing.Invalid("model", "is required", false);
        }
        if (m == null || m.type() != spec.type()) {
            return new Pricing.Invalid(
                    "model",
                    "'" + spec.model() + "' is not a known " + spec.type().label() + " model; known: "
                            + String.join(", ", modelIds(spec.type())),
                    true);
        }
        if (spec.prompt() == null || spec.prompt().isBlank()) {
            return new Pricing.Invalid("prompt", "must not be empty", false);
        }
        if (spec.prompt().length() > MAX_PROMPT) {
            return new Pricing.Invalid("prompt", "must be at most " + MAX_PROMPT + " characters", false);
        }
        Optional<String> control = controlCharacter(spec.prompt());
        if (control.isPresent()) {
            return new Pricing.Invalid("prompt", control.get(), false);
        }
        List<String> images = spec.imageUrls() == null ? List.of() : spec.imageUrls();
        int maxImages = m.maxImages() == null ? (spec.type() == AssetType.VIDEO ? 1 : 5) : m.maxImages();
        if (images.size() > maxImages) {
            return new Pricing.Invalid("imageUrls", "at most " + maxImages + " image(s) for " + spec.model(), true);
        }
        for (int i = 0; i < images.size(); i++) {
            Optional<String> problem = urlProblem(images.get(i));
            if (problem.isPresent()) {
                return new Pricing.Invalid("imageUrls[" + i + "]", problem.get(), false);
            }
        }
        return spec.type() == AssetType.IMAGE ? priceImage(spec, m, images) : priceVideo(spec, m, images);
    }

    private Pricing priceImage(GenerationSpec spec, ModelConfig m, List<String> images) {
        String resolution = spec.resolution() == null
                ? String.valueOf(defaultOf(spec.model(), "resolution"))
                : spec.resolution().toUpperCase(Locale.ROOT);
        List<String> offered = imageResolutionsOffered(m);
        if (!IMAGE_RESOLUTIONS.contains(resolution)) {
            return new Pricing.Invalid(
                    "resolution", "must be one of " + String.join(", ", offered) + " for " + spec.model(), false);
        }
        if (!offered.contains(resolution)) {
            return new Pricing.Invalid(
                    "resolution",
                    resolution + " is not offered for " + spec.model() + "; offered: " + String.join(", ", offered),
                    true);
        }
        String format =
                spec.outputFormat() == null ? "png" : spec.outputFormat().toLowerCase(Locale.ROOT);
        if (!OUTPUT_FORMATS.contains(format)) {
            return new Pricing.Invalid("outputFormat", "must be one of " + OUTPUT_FORMATS, false);
        }
        Long credits = m.prices().isEmpty() ? m.price() : m.prices().get(resolution);
        if (credits == null) {
            return new Pricing.Invalid(
                    "resolution",
                    resolution + " is not offered for " + spec.model() + "; offered: " + String.join(", ", offered),
                    true);
        }
        Map<String, Object> options = Map.of("resolution", resolution, "outputFormat", format);
        String providerModel =
                images.isEmpty() || m.imageProviderModel() == null ? m.providerModel() : m.imageProviderModel();
        Map<String, Object> input = ProviderInputs.image(providerModel, spec.prompt(), images, resolution, format);
        return new Pricing.Priced(new PricedRequest(
                AssetType.IMAGE, spec.model(), spec.prompt(), images, options, credits, providerModel, input));
    }

    /** The image resolutions {@code m} sells: its priced ones, else its listed ones, else all. */
    private static List<String> imageResolutionsOffered(ModelConfig m) {
        List<String> listed = m.resolutions().isEmpty() ? IMAGE_RESOLUTIONS : m.resolutions();
        return m.prices().isEmpty()
                ? listed
                : listed.stream().filter(m.prices()::containsKey).toList();
    }

    private Pricing priceVideo(GenerationSpec spec, ModelConfig m, List<String> images) {
        String resolution = spec.resolution() == null
                ? String.valueOf(defaultOf(spec.model(), "resolution"))
                : spec.resolution().toLowerCase(Locale.ROOT);
        if (!VIDEO_RESOLUTIONS.contains(resolution)) {
            return new Pricing.Invalid("resolution", "must be one of " + VIDEO_RESOLUTIONS, false);
        }
        String aspect =
                spec.aspectRatio() == null ? "landscape" : spec.aspectRatio().toLowerCase(Locale.ROOT);
        if (!ASPECT_RATIOS.contains(aspect)) {
            return new Pricing.Invalid("aspectRatio", "must be one of " + ASPECT_RATIOS, false);
        }
        int duration = spec.durationSeconds() == null
                ? defaultOf(spec.model(), "durationSeconds") instanceof Integer d ? d : 10
                : spec.durationSeconds();
        if (!DURATIONS.contains(duration)) {
            return new Pricing.Invalid("durationSeconds", "must be one of " + DURATIONS, false);
        }
        Long credits = m.prices().isEmpty() ? m.price() : m.prices().get(resolution + "-" + duration);
        if (credits == null) {
            return new Pricing.Invalid(
                    "resolution",
                    resolution + " for " + duration + " s is not offered for " + spec.model() + "; offered: "
                            + m.prices().keySet().stream()
                                    .sorted()
                                    .map(k -> k.replace("-", " for ") + " s")
                                    .collect(java.util.stream.Collectors.joining(", ")),
                    true);
        }
        Map<String, Object> options =
                Map.of("resolution", resolution, "aspectRatio", aspect, "durationSeconds", duration);
        String providerModel =
                images.isEmpty() || m.imageProviderModel() == null ? m.providerModel() : m.imageProviderModel();
        Map<String, Object> input =
                ProviderInputs.video(providerModel, spec.prompt(), images, aspect, duration, resolution);
        return new Pricing.Priced(new PricedRequest(
                AssetType.VIDEO, spec.model(), spec.prompt(), images, options, credits, providerModel, input));
    }

    private List<String> modelIds(AssetType type) {
        List<String> ids = new ArrayList<>();
        models.forEach((id, m) -> {
            if (m.type() == type) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * Control characters have no place in a prompt (NUL cannot even be stored); line breaks and tabs
     * are text. Names the first one found so the client can see what to remove.
     */
    static Optional<String> controlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return Optional.of(String.format(
                        "must not contain control characters (U+%04X at position %d); line breaks and tabs are fine",
                        (int) c, i));
            }
            // half of a surrogate pair is not a character: the provider would get a '?' in its place
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(String.format("must be valid Unicode (a lone surrogate at position %d)", i));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> urlProblem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("must not be empty");
        }
        if (url.length() > MAX_URL) {
            return Optional.of("must be at most " + MAX_URL + " characters");
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                return Optional.of("must be an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        return Optional.empty();
    }
}
