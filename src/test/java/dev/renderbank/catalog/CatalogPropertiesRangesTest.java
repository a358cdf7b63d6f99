package dev.renderbank.catalog;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

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
        MODEL.with("renderbank.catalog.models.m1.prices.sd", "8")
                .refused("renderbank.catalog.models.m1.prices.hd", "0", "1000000001");
    }

    @Test
    void aModelsMaxImagesIsZeroOrMore() {
        Ranges priced = MODEL.with("renderbank.catalog.models.m1.price", "5");
        priced.refused("renderbank.catalog.models.m1.max-images", "-1");
        priced.accepted("renderbank.catalog.models.m1.max-images", "0");
    }
}
