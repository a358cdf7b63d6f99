package dev.renderbank.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

/**
 * What the generator page offers is what the catalogue prices: every option combination an offer
 * lists is accepted by {@link Catalog#price} at exactly the offer's price, and nothing the offer
 * leaves out is accepted. The page reads its models, options and prices from these offers only.
 */
class CatalogOffersTest {

    static Catalog catalog;

    @BeforeAll
    static void loadTheShippedCatalogue() throws IOException {
        var sources = new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"));
        CatalogProperties props = new Binder(ConfigurationPropertySources.from(sources))
                .bind("renderbank.catalog", CatalogProperties.class)
                .get();
        catalog = new Catalog(props);
    }

    @Test
    void everyModelOfTheCatalogueIsOffered() {
        assertThat(catalog.offers())
                .extracting(ModelOffer::id)
                .containsExactlyInAnyOrderElementsOf(catalog.models().keySet());
    }

    @Test
    void everyOfferedCombinationCostsWhatTheOfferSays() {
        for (ModelOffer offer : catalog.offers()) {
            List<Map<String, Object>> combos = combinations(offer.options());
            assertThat(combos).as(offer.id()).isNotEmpty();
            for (Map<String, Object> combo : combos) {
                Long listed = offer.priceOf(combo).orElse(null);
                Pricing p = catalog.price(spec(offer, combo));
                if (listed == null) {
                    assertThat(p)
                            .as(offer.id() + " " + combo + " is not offered")
                            .isInstanceOf(Pricing.Invalid.class);
                } else {
                    assertThat(p).as(offer.id() + " " + combo).isInstanceOf(Pricing.Priced.class);
                    assertThat(((Pricing.Priced) p).request().credits())
                            .as(offer.id() + " " + combo)
                            .isEqualTo(listed);
                }
            }
            Map<String, Object> defaults = new HashMap<>();
            offer.options().forEach(o -> defaults.put(o.name(), o.defaultValue()));
            assertThat(offer.priceOf(defaults))
                    .as(offer.id() + " defaults are priced")
                    .isPresent();
        }
    }

    @Test
    void optionsTheCatalogueDoesNotSellAreNotListed() {
        ModelOffer sora = offer("sora-2");
        assertThat(option(sora, "resolution").values()).containsExactly("720p");
        assertThat(option(sora, "durationSeconds").values()).containsExactly(10, 15);
        assertThat(sora.maxImages()).isEqualTo(1);
        ModelOffer pro = offer("nano-banana-pro");
        assertThat(option(pro, "resolution").values()).containsExactly("1K", "2K", "4K");
        assertThat(pro.priceOf(Map.of("resolution", "4K", "outputFormat", "png")))
                .contains(30L);
        assertThat(pro.priceOf(Map.of("resolution", "2K", "outputFormat", "png")))
                .contains(22L);
        assertThat(option(offer("nano-banana"), "resolution").values()).containsExactly("1K");
    }

    private static ModelOffer offer(String id) {
        return catalog.offers().stream()
                .filter(o -> o.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private static ModelOffer.Option option(ModelOffer offer, String name) {
        return offer.options().stream()
                .filter(o -> o.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static GenerationSpec spec(ModelOffer offer, Map<String, Object> c) {
        return new GenerationSpec(
                offer.type(),
                offer.id(),
                "a red fox",
                List.of(),
                (String) c.get("resolution"),
                (String) c.get("outputFormat"),
                (String) c.get("aspectRatio"),
                (Integer) c.get("durationSeconds"));
    }

    private static List<Map<String, Object>> combinations(List<ModelOffer.Option> options) {
        List<Map<String, Object>> result = new ArrayList<>();
        result.add(Map.of());
        for (ModelOffer.Option o : options) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : result) {
                for (Object v : o.values()) {
                    Map<String, Object> m = new HashMap<>(partial);
                    m.put(o.name(), v);
                    next.add(m);
                }
            }
            result = next;
        }
        return result;
    }
}
