package dev.renderbank.catalog;

import dev.renderbank.catalog.CatalogProperties.ModelConfig;
import dev.renderbank.catalog.ModelOffer.Option;
import dev.renderbank.catalog.ModelOffer.PriceRow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives each model's {@link ModelOffer} from its configuration with the same rules as {@link
 * Catalog#price}: images are priced by resolution, videos by resolution and duration; a combination
 * without a price is not on sale and is left out. Each option's default is on sale, and {@link
 * Catalog#price} fills an option a request leaves out with it.
 */
final class CatalogOffers {

    private CatalogOffers() {}

    static List<ModelOffer> of(Map<String, ModelConfig> models) {
        List<ModelOffer> offers = new ArrayList<>();
        // in the configuration's order: the operator lists the models as pages should offer them
        models.forEach((id, m) -> offers.add(m.type() == AssetType.IMAGE ? image(id, m) : video(id, m)));
        return List.copyOf(offers);
    }

    private static ModelOffer image(String id, ModelConfig m) {
        List<String> offered = m.resolutions().isEmpty() ? Catalog.IMAGE_RESOLUTIONS : m.resolutions();
        List<Object> resolutions = new ArrayList<>();
        List<PriceRow> prices = new ArrayList<>();
        for (String r : Catalog.IMAGE_RESOLUTIONS) {
            if (!offered.contains(r)) {
                continue;
            }
            Long credits = m.prices().isEmpty() ? m.price() : m.prices().get(r);
            if (credits != null) {
                resolutions.add(r);
                if (!m.prices().isEmpty()) {
                    prices.add(new PriceRow(Map.of("resolution", r), credits));
                }
            }
        }
        if (m.prices().isEmpty()) {
            prices.add(new PriceRow(Map.of(), m.price()));
        }
        List<Option> options = List.of(
                new Option("resolution", resolutions, resolutions.contains("1K") ? "1K" : first(resolutions)),
                new Option("outputFormat", List.copyOf(Catalog.OUTPUT_FORMATS), "png"));
        return new ModelOffer(id, AssetType.IMAGE, options, maxImages(m, AssetType.IMAGE), prices);
    }

    private static ModelOffer video(String id, ModelConfig m) {
        Set<Object> resolutions = new LinkedHashSet<>();
        Set<Object> durations = new LinkedHashSet<>();
        List<PriceRow> prices = new ArrayList<>();
        for (String r : Catalog.VIDEO_RESOLUTIONS) {
            for (Integer d : Catalog.DURATIONS) {
                Long credits = m.prices().isEmpty() ? m.price() : m.prices().get(r + "-" + d);
                if (credits != null) {
                    resolutions.add(r);
                    durations.add(d);
                    if (!m.prices().isEmpty()) {
                        prices.add(new PriceRow(Map.of("resolution", r, "durationSeconds", d), credits));
                    }
                }
            }
        }
        if (m.prices().isEmpty()) {
            prices.add(new PriceRow(Map.of(), m.price()));
        }
        List<Object> rs = List.copyOf(resolutions);
        List<Object> ds = List.copyOf(durations);
        Object resolution = rs.contains("720p") ? "720p" : first(rs);
        // the default duration is one on sale at the default resolution: the two defaults together
        // are what a request naming neither is priced as
        Object duration = ds.stream()
                .filter(d -> priced(m, resolution + "-" + d))
                .sorted(java.util.Comparator.comparing(d -> !d.equals(10)))
                .findFirst()
                .orElse(first(ds));
        List<Option> options = List.of(
                new Option("resolution", rs, resolution),
                new Option("durationSeconds", ds, duration),
                new Option("aspectRatio", List.copyOf(Catalog.ASPECT_RATIOS), "landscape"));
        return new ModelOffer(id, AssetType.VIDEO, options, maxImages(m, AssetType.VIDEO), prices);
    }

    private static boolean priced(ModelConfig m, String key) {
        return m.prices().isEmpty() ? m.price() != null : m.prices().containsKey(key);
    }

    /** The same default as {@link Catalog#price}: one image for videos, five for images. */
    private static int maxImages(ModelConfig m, AssetType type) {
        return m.maxImages() != null ? m.maxImages() : (type == AssetType.VIDEO ? 1 : 5);
    }

    private static Object first(List<Object> values) {
        return values.isEmpty() ? null : values.get(0);
    }
}
