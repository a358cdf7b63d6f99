package dev.renderbank.catalog;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * A model's price is what a job holds and charges: zero or negative would hand out generations for
 * nothing (or fail every accept in the ledger, which takes positive amounts only). A negative
 * max-images refuses every job of the model, even one without images ("at most -1 image(s)").
 * Refused at start, naming the model's key.
 */
class CatalogPropertiesRangesTest {

    static final String P = "renderbank.catalog";

    @Test
    void aModelsPriceIsPositive() {
        refused(
                P,
                CatalogProperties.class,
                "renderbank.catalog.models.m1.price",
                "0",
                "renderbank.catalog.models.m1.type",
                "image",
                "renderbank.catalog.models.m1.provider-model",
                "x");
        refused(
                P,
                CatalogProperties.class,
                "renderbank.catalog.models.m1.price",
                "-10",
                "renderbank.catalog.models.m1.type",
                "image",
                "renderbank.catalog.models.m1.provider-model",
                "x");
    }

    @Test
    void everyPriceInAModelsTableIsPositive() {
        refused(
                P,
                CatalogProperties.class,
                "renderbank.catalog.models.m1.prices.hd",
                "0",
                "renderbank.catalog.models.m1.prices.sd",
                "8",
                "renderbank.catalog.models.m1.type",
                "image",
                "renderbank.catalog.models.m1.provider-model",
                "x");
    }

    @Test
    void aModelsMaxImagesIsZeroOrMore() {
        String[] model = {
            "renderbank.catalog.models.m1.price", "5",
            "renderbank.catalog.models.m1.type", "image",
            "renderbank.catalog.models.m1.provider-model", "x"
        };
        refused(P, CatalogProperties.class, "renderbank.catalog.models.m1.max-images", "-1", model);
        accepted(P, CatalogProperties.class, "renderbank.catalog.models.m1.max-images", "0", model);
    }
}
