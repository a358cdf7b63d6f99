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

    /**
     * A request that leaves an option out gets the default the offer advertises, whatever the
     * operator sells: nano-banana-pro at 2K and 4K only is 2K by default (not a 422 "1K is not
     * offered"), and a video sold at 720p for 15 s and 1080p for 10 s is 720p for 15 s.
     */
    @Test
    void aRequestLeavingOptionsOutGetsTheDefaultsTheOfferAdvertises() {
        Catalog shop = new Catalog(new CatalogProperties(Map.of(
                "pro",
                new CatalogProperties.ModelConfig(
                        AssetType.IMAGE, "nano-banana-pro", null, null, Map.of("2K", 22L, "4K", 30L), List.of(), null),
                "clip",
                new CatalogProperties.ModelConfig(
                        AssetType.VIDEO,
                        "sora-2-text-to-video",
                        null,
                        null,
                        Map.of("720p-15", 30L, "1080p-10", 160L),
                        List.of(),
                        null))));
        for (ModelOffer offer : shop.offers()) {
            Map<String, Object> defaults = new HashMap<>();
            offer.options().forEach(o -> defaults.put(o.name(), o.defaultValue()));
            Pricing p = shop.price(
                    new GenerationSpec(offer.type(), offer.id(), "a red fox", List.of(), null, null, null, null));
            assertThat(p).as(offer.id() + " without options").isInstanceOf(Pricing.Priced.class);
            PricedRequest r = ((Pricing.Priced) p).request();
            assertThat(offer.priceOf(defaults)).as(offer.id()).contains(r.credits());
            offer.options()
                    .forEach(o -> assertThat(r.options().get(o.name()))
                            .as(offer.id() + " " + o.name())
                            .isEqualTo(o.defaultValue()));
        }
        ModelOffer pro = shop.offers().stream()
                .filter(o -> o.id().equals("pro"))
                .findFirst()
                .orElseThrow();
        assertThat(option(pro, "resolution").defaultValue()).isEqualTo("2K");
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
