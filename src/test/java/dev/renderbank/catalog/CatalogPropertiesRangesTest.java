package dev.renderbank.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A model's price is what a job holds and charges: zero or negative would hand out generations for
 * nothing (or fail every accept in the ledger, which takes positive amounts only). A negative
 * max-images refuses every job of the model, even one without images ("at most -1 image(s)").
 * Refused at start, naming the model's key.
 */
class CatalogPropertiesRangesTest {

    /** A model that binds but for the setting under test. */
    static final Ranges MODEL = PropertyRanges.of(CatalogProperties.class)
            .with("renderbank.catalog.models.m1.type", "image", "renderbank.catalog.models.m1.provider-model", "x");

    @Test
    void aModelsPriceIsPositive() {
        MODEL.refused("renderbank.catalog.models.m1.price", "0", "-10", "1000000001");
        MODEL.accepted("renderbank.catalog.models.m1.price", "1000000000");
    }

    @Test
    void everyPriceInAModelsTableIsPositive() {
        MODEL.with("renderbank.catalog.models.m1.prices.1K", "8")
                .refused("renderbank.catalog.models.m1.prices.2K", "0", "1000000001");
    }

    /** The catalogue would publish the flat price and hold the table's (quoted 5, held 22). */
    @Test
    void aModelWithBothAPriceAndAPriceTableIsRefused() {
        MODEL.with("renderbank.catalog.models.m1.prices.1K", "22").refused("renderbank.catalog.models.m1.price", "5");
    }

    /**
     * A table key no request can name would take its option off sale without a word: refused, naming
     * the key. Keys of images are resolutions, of videos resolution-duration; case does not matter
     * (an environment variable's key arrives in lower case).
     */
    @Test
    void aPriceTableKeyMustBeAnOptionOfTheModelsType() {
        MODEL.refused("renderbank.catalog.models.m1.prices.8K", "30");
        MODEL.refused("renderbank.catalog.models.m1.prices.720p-10", "30");
        MODEL.accepted("renderbank.catalog.models.m1.prices.4K", "30");
        MODEL.accepted("renderbank.catalog.models.m1.prices.4k", "30");
        Ranges video = PropertyRanges.of(CatalogProperties.class)
                .with("renderbank.catalog.models.v1.type", "video", "renderbank.catalog.models.v1.provider-model", "x");
        video.refused("renderbank.catalog.models.v1.prices.720p-20", "25");
        video.refused("renderbank.catalog.models.v1.prices.720p", "25");
        video.refused("renderbank.catalog.models.v1.prices.1K", "25");
        video.accepted("renderbank.catalog.models.v1.prices.1080p-15", "300");
        CatalogProperties bound =
                (CatalogProperties) MODEL.bind(Map.of("renderbank.catalog.models.m1.prices.4k", "30"));
        assertThat(bound.models().get("m1").prices()).containsOnlyKeys("4K");
    }

    /**
     * An environment variable overriding the file's {@code prices.4K} binds a second key, {@code 4k}:
     * the override is what the operator meant (it used to stop the start as "set twice").
     */
    @Test
    void anEnvironmentVariableOverridesTheFilesPriceWrittenInUpperCase() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "application.yml",
                        Map.of(
                                "renderbank.catalog.models.pro.type", "image",
                                "renderbank.catalog.models.pro.provider-model", "nano-banana-pro",
                                "renderbank.catalog.models.pro.prices.1K", "22",
                                "renderbank.catalog.models.pro.prices.4K", "30")));
        env.getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        "systemEnvironment", Map.of("RENDERBANK_CATALOG_MODELS_PRO_PRICES_4K", "35")));
        ConfigurationPropertySources.attach(env);

        CatalogProperties bound = Binder.get(env)
                .bind("renderbank.catalog", CatalogProperties.class)
                .get();

        assertThat(bound.models().get("pro").prices()).containsExactlyInAnyOrderEntriesOf(Map.of("1K", 22L, "4K", 35L));
    }

    @Test
    void aModelsMaxImagesIsZeroOrMore() {
        Ranges priced = MODEL.with("renderbank.catalog.models.m1.price", "5");
        priced.refused("renderbank.catalog.models.m1.max-images", "-1");
        priced.accepted("renderbank.catalog.models.m1.max-images", "0");
    }
}
