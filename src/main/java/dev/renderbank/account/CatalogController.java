package dev.renderbank.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.billing.Billing;
import dev.renderbank.billing.Product;
import dev.renderbank.catalog.Catalog;
import dev.renderbank.catalog.ModelOffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What can be bought and what it costs: generation models in credits, packs and plans in money. */
@RestController
class CatalogController {

    /** The whole catalogue: what the generator and buy pages are built from. */
    record CatalogJson(List<ModelJson> models, List<ProductJson> packs, List<ProductJson> plans) {}

    /**
     * A model on sale: one price ({@code credits}) or a price per option ({@code creditsByOption}),
     * its options, and the price of each choice ({@code prices}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelJson(
            String id,
            String type,
            Long credits,
            Map<String, Long> creditsByOption,
            List<ModelOffer.Option> options,
            int maxImages,
            List<ModelOffer.PriceRow> prices) {}

    /** A pack, or a plan with its billing {@code interval} ({@code month} or {@code year}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProductJson(String id, long credits, long priceMinor, String currency, String interval) {}

    private final Catalog catalog;
    private final Billing billing;

    CatalogController(Catalog catalog, Billing billing) {
        this.catalog = catalog;
        this.billing = billing;
    }

    @GetMapping("/api/v1/catalog")
    CatalogJson catalog() {
        List<ModelJson> models = new ArrayList<>();
        var configs = catalog.models();
        for (ModelOffer offer : catalog.offers()) {
            var config = configs.get(offer.id());
            models.add(new ModelJson(
                    offer.id(),
                    offer.type().label(),
                    config.price(),
                    config.prices().isEmpty() ? null : config.prices(),
                    // what the generator page builds its form from: options on sale and the price of each choice
                    offer.options(),
                    offer.maxImages(),
                    offer.prices()));
        }
        List<ProductJson> packs = new ArrayList<>();
        List<ProductJson> plans = new ArrayList<>();
        for (Product p : billing.products()) {
            String interval = p.isPlan() ? (p.months() >= 12 ? "year" : "month") : null;
            var v = new ProductJson(p.id(), p.credits(), p.priceMinor(), p.currency(), interval);
            (p.isPlan() ? plans : packs).add(v);
        }
        return new CatalogJson(models, packs, plans);
    }
}
