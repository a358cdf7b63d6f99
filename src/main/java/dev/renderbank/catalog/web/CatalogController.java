package dev.renderbank.catalog.web;

import dev.renderbank.catalog.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CatalogController {

    private final Catalog catalog;

    CatalogController(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Models with their priced options; payment products are listed by the billing module. */
    @GetMapping("/api/v1/catalog")
    Map<String, Object> catalog() {
        List<Map<String, Object>> models = new ArrayList<>();
        catalog.models().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.getKey());
            m.put("type", e.getValue().type().label());
            if (e.getValue().price() != null) {
                m.put("credits", e.getValue().price());
            }
            if (!e.getValue().prices().isEmpty()) {
                m.put("creditsByOption", e.getValue().prices());
            }
            models.add(m);
        });
        return Map.of("models", models);
    }
}
