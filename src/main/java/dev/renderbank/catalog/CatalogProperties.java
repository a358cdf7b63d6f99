package dev.renderbank.catalog;

import dev.renderbank.platform.CreditLimits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Models and their prices, from configuration ({@code renderbank.catalog.models.<id>}); the
 * defaults in application.yml are the original product's prices.
 *
 * <p>A model has either one {@code price} or a {@code prices} table keyed by its options:
 * images by resolution ({@code 1K}), videos by resolution and duration ({@code 720p-10}); both
 * at once, or a {@code prices} key outside that grammar, refuses the start.
 */
@ConfigurationProperties("renderbank.catalog")
public record CatalogProperties(Map<String, ModelConfig> models) {

    private static final Logger log = LoggerFactory.getLogger(CatalogProperties.class);

    public CatalogProperties {
        models = models == null ? Map.of() : withKeysSpelledAsRequests(models);
        // a price is what a job holds and charges: zero or less would give generations away (or fail
        // every accept in the ledger, which takes positive amounts only)
        models.forEach((id, m) -> {
            String key = "renderbank.catalog.models." + id;
            if (m.price() != null && (m.price() < 1 || m.price() > CreditLimits.MAX_AMOUNT)) {
                // above the ledger's largest hold every accept of the model would be refused as bad input
                throw new IllegalArgumentException(
                        key + ".price must be 1 to " + CreditLimits.MAX_AMOUNT + " credits (was " + m.price() + ")");
            }
            if (m.maxImages() != null && m.maxImages() < 0) {
                // "at most -1 image(s)" would refuse every job of the model, with images or without
                throw new IllegalArgumentException(key + ".max-images must be 0 or more (was " + m.maxImages() + ")");
            }
            if (m.price() != null && !m.prices().isEmpty()) {
                // the catalogue would publish the flat price and hold the table's: one of them is wrong
                throw new IllegalArgumentException(key + ".price and " + key
                        + ".prices are both set; set price for one price," + " or prices per option");
            }
            m.prices().forEach((option, price) -> {
                if (price == null || price < 1 || price > CreditLimits.MAX_AMOUNT) {
                    throw new IllegalArgumentException(key + ".prices." + option + " must be 1 to "
                            + CreditLimits.MAX_AMOUNT + " credits (was " + price + ")");
                }
            });
        });
    }

    /**
     * Table keys in the case requests are priced by ({@code 4K}, {@code 720p-10}): an environment
     * variable's key arrives in lower case ({@code ..._PRICES_4K} binds {@code 4k}), and a request's
     * resolution is matched in either case too. Of two keys that differ only in case, the one in lower
     * case is used (an environment variable overriding the file's {@code 4K}), with a WARN; two in
     * other cases are refused.
     */
    private static boolean lowerCase(String key) {
        return key.equals(key.toLowerCase(Locale.ROOT));
    }

    private static Map<String, ModelConfig> withKeysSpelledAsRequests(Map<String, ModelConfig> models) {
        Map<String, ModelConfig> result = new LinkedHashMap<>();
        models.forEach((id, m) -> {
            Map<String, Long> prices = new LinkedHashMap<>();
            Map<String, String> written = new LinkedHashMap<>();
            m.prices().forEach((option, price) -> {
                String spelled =
                        m.type() == AssetType.IMAGE ? option.toUpperCase(Locale.ROOT) : option.toLowerCase(Locale.ROOT);
                // a key no request can name (720p-20) would price nothing: its option silently off sale
                if (m.type() != null && !Catalog.possiblePriceKeys(m.type()).contains(spelled)) {
                    throw new IllegalArgumentException("renderbank.catalog.models." + id + ".prices." + option
                            + " is not an option of a " + m.type().label() + " model; keys are "
                            + Catalog.possiblePriceKeys(m.type()));
                }
                String before = written.put(spelled, option);
                if (before != null) {
                    // an environment variable's override arrives in lower case beside the file's 4K
                    String lower = lowerCase(option) ? option : lowerCase(before) ? before : null;
                    if (lower == null) {
                        throw new IllegalArgumentException("renderbank.catalog.models." + id + ".prices." + option
                                + " is set twice (keys differing only in case)");
                    }
                    log.warn(
                            "renderbank.catalog.models.{}.prices is set as both {} and {}: the one in lower case"
                                    + " ({}, as an environment variable names it) is used",
                            id,
                            before,
                            option,
                            lower);
                    written.put(spelled, lower);
                    prices.put(spelled, m.prices().get(lower));
                    return;
                }
                prices.put(spelled, price);
            });
            result.put(
                    id,
                    new ModelConfig(
                            m.type(),
                            m.providerModel(),
                            m.imageProviderModel(),
                            m.price(),
                            prices,
                            m.resolutions(),
                            m.maxImages()));
        });
        return result;
    }

    public record ModelConfig(
            AssetType type,
            String providerModel,
            String imageProviderModel,
            Long price,
            Map<String, Long> prices,
            List<String> resolutions,
            Integer maxImages) {

        public ModelConfig {
            prices = prices == null ? Map.of() : new LinkedHashMap<>(prices);
            resolutions = resolutions == null ? List.of() : List.copyOf(resolutions);
        }
    }
}
