package dev.renderbank.catalog;

import dev.renderbank.platform.CreditLimits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Models and their prices, from configuration ({@code renderbank.catalog.models.<id>}); the
 * defaults in application.yml are the original product's prices.
 *
 * <p>A model has either one {@code price} or a {@code prices} table keyed by its options:
 * images by resolution ({@code 1K}), videos by resolution and duration ({@code 720p-10}).
 */
@ConfigurationProperties("renderbank.catalog")
public record CatalogProperties(Map<String, ModelConfig> models) {

    public CatalogProperties {
        models = models == null ? Map.of() : new LinkedHashMap<>(models);
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
            m.prices().forEach((option, price) -> {
                if (price == null || price < 1 || price > CreditLimits.MAX_AMOUNT) {
                    throw new IllegalArgumentException(key + ".prices." + option + " must be 1 to "
                            + CreditLimits.MAX_AMOUNT + " credits (was " + price + ")");
                }
            });
        });
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
