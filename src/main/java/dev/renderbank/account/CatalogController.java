package dev.renderbank.account;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.Product;
import dev.renderbank.catalog.Catalog;
import dev.renderbank.catalog.ModelOffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What can be bought and what it costs: generation models in credits, packs and plans in money. */
@RestController
class CatalogController {

    private final Catalog catalog;
    private final Billing billing;

    CatalogController(Catalog catalog, Billing billing) {
        this.catalog = catalog;
        this.billing = billing;
    }

    @GetMapping("/api/v1/catalog")
    Map<String, Object> catalog() {
        List<Map<String, Object>> models = new ArrayList<>();
        var configs = catalog.models();
        for (ModelOffer offer : catalog.offers()) {
            var config = configs.get(offer.id());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", offer.id());
            m.put("type", offer.type().label());
            if (config.price() != null) {
                m.put("credits", config.price());
            }
            if (!config.prices().isEmpty()) {
                m.put("creditsByOption", config.prices());
            }
            // what the generator page builds its form from: options on sale and the price of each choice
            m.put("options", offer.options());
            m.put("maxImages", offer.maxImages());
            m.put("prices", offer.prices());
            models.add(m);
        }
        List<Map<String, Object>> packs = new ArrayList<>();
        List<Map<String, Object>> plans = new ArrayList<>();
        for (Product p : billing.products()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", p.id());
            v.put("credits", p.credits());
            v.put("priceMinor", p.priceMinor());
            v.put("currency", p.currency());
            if (p.isPlan()) {
                v.put("interval", p.months() >= 12 ? "year" : "month");
                plans.add(v);
            } else {
                packs.add(v);
            }
        }
        return Map.of("models", models, "packs", packs, "plans", plans);
    }
}
