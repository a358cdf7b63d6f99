package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.platform.ProductionCheck;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Every pack and plan, built in or added in configuration, comes with placeholder provider ids
 * ({@code prod_local_…}, {@code price_local_…}) that only the simulated checkout understands. With Creem or Stripe, a product
 * still on its placeholder cannot be bought (the provider refuses the checkout) and a webhook for its
 * real id would grant nothing, so {@code prod} does not start until every one names its real id.
 */
public class CatalogProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        PaymentsProperties.Provider provider = config.bindOrCreate("renderbank.payments", PaymentsProperties.class)
                .provider();
        ProductCatalog catalog = config.bindOrCreate("renderbank.catalog", ProductCatalog.class);
        List<String> unsellable = catalog.unsellableThrough(provider);
        if (unsellable.isEmpty()) {
            return List.of();
        }
        String key = provider == PaymentsProperties.Provider.CREEM ? "creem-product-id" : "stripe-price-id";
        return List.of("renderbank.payments.provider is " + provider.name().toLowerCase(Locale.ROOT)
                + " but these products have no " + key + " of their own (only the built-in placeholder, which "
                + provider.name().charAt(0) + provider.name().substring(1).toLowerCase(Locale.ROOT)
                + " does not know): " + String.join(", ", unsellable) + "; set renderbank.catalog.packs.<id>." + key
                + " and renderbank.catalog.plans.<id>." + key + " for each");
    }
}
