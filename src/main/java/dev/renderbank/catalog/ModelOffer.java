package dev.renderbank.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model as a client may order it: its options with the values on sale, how many reference images
 * it takes, and its price for each combination of the options that matter. Built from the same
 * configuration that {@link Catalog#price} reads, so a page or client never keeps its own list of
 * models or prices.
 *
 * @param options option names are the request fields ({@code resolution}, {@code outputFormat},
 *     {@code aspectRatio}, {@code durationSeconds})
 * @param prices one row per priced combination; a row's {@code when} names only the options the
 *     price depends on (empty for a flat price)
 */
public record ModelOffer(String id, AssetType type, List<Option> options, int maxImages, List<PriceRow> prices) {

    public record Option(String name, List<Object> values, Object defaultValue) {}

    public record PriceRow(Map<String, Object> when, long credits) {}

    /** The price of a choice of options; empty when this combination is not on sale. */
    public Optional<Long> priceOf(Map<String, Object> chosen) {
        return prices.stream()
                .filter(row -> row.when().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(chosen.get(e.getKey()))))
                .map(PriceRow::credits)
                .findFirst();
    }
}
