package dev.renderbank.billing;

import dev.renderbank.billing.ProductCatalog.Entry;
import dev.renderbank.platform.CreditLimits;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the configured catalogue must satisfy before the application starts ({@link ProductCatalog}):
 * each product's credits, price, currency and interval, and provider ids that each name one product.
 * A refusal names the product and the key to fix.
 */
final class CatalogChecks {

    private CatalogChecks() {}

    /**
     * A webhook names what was paid for by the provider's product or price id alone (Creem's
     * {@code subscription.paid}, Stripe's invoices), and the first product with that id would be
     * granted: so each provider id, current or earlier, names one product, and a product id one pack
     * or one plan.
     */
    static void checkUnique(Map<String, Entry> packs, Map<String, Entry> plans) {
        for (String id : packs.keySet()) {
            if (plans.containsKey(id)) {
                throw new IllegalArgumentException(
                        "renderbank.catalog product " + id + " is both a pack and a plan; give each its own id");
            }
        }
        Map<String, String> creem = new java.util.HashMap<>();
        Map<String, String> stripe = new java.util.HashMap<>();
        Map<String, Entry> all = new LinkedHashMap<>(packs);
        all.putAll(plans);
        all.forEach((id, e) -> {
            unique(creem, e.creemProductId(), id, "creem-product-id");
            unique(stripe, e.stripePriceId(), id, "stripe-price-id");
        });
        all.forEach((id, e) -> {
            e.creemEarlierProductIds().forEach(earlier -> unique(creem, earlier, id, "creem-earlier-product-ids"));
            e.stripeEarlierPriceIds().forEach(earlier -> unique(stripe, earlier, id, "stripe-earlier-price-ids"));
        });
    }

    private static void unique(Map<String, String> seen, String providerId, String product, String key) {
        if (providerId == null) {
            return;
        }
        String other = seen.putIfAbsent(providerId, product);
        // a product may list its own current id among its earlier ones: it maps to the product either way
        if (other != null && !other.equals(product)) {
            throw new IllegalArgumentException("renderbank.catalog products " + other + " and " + product
                    + " have the same " + key + " " + providerId + "; a payment for one would grant the other");
        }
    }

    static void check(String id, Entry e, boolean plan) {
        if (e.credits() == null || e.credits() <= 0) {
            throw new IllegalArgumentException("renderbank.catalog product " + id + ": credits must be positive");
        }
        if (e.credits() > CreditLimits.MAX_AMOUNT) {
            // the ledger grants at most that at once: a purchase of more would be paid and never granted
            throw new IllegalArgumentException("renderbank.catalog product " + id + ": credits must be at most "
                    + CreditLimits.MAX_AMOUNT + " (was " + e.credits() + ")");
        }
        if (e.priceMinor() == null || e.priceMinor() <= 0) {
            throw new IllegalArgumentException("renderbank.catalog product " + id + ": price-minor must be positive");
        }
        checkCurrency(id, e.currency());
        if (plan && !"month".equals(e.interval()) && !"year".equals(e.interval())) {
            throw new IllegalArgumentException("renderbank.catalog plan " + id + ": interval must be month or year");
        }
    }

    /**
     * Currencies whose minor units Stripe counts otherwise than ISO 4217 (and Java, which every amount
     * shown goes through): Stripe's ISK amounts are hundredths of a króna, its MGA amounts whole ariary.
     */
    private static final Set<String> PROVIDER_MINOR_UNITS_DIFFER = Set.of("ISK", "MGA");

    /**
     * An ISO 4217 code Java knows, in either case, of a currency with minor units: "usd1", "EURO",
     * a made-up "ABC" and the no-currency or metal codes (XXX, XAU: no minor units) are refused.
     */
    static void checkCurrency(String id, String currency) {
        String problem = null;
        if (currency == null || !currency.matches("[A-Za-z]{3}")) {
            problem = "is not a three-letter code";
        } else {
            try {
                if (java.util.Currency.getInstance(currency.toUpperCase(Locale.ROOT))
                                .getDefaultFractionDigits()
                        < 0) {
                    problem = "has no minor units (not a currency prices are paid in)";
                }
            } catch (IllegalArgumentException unknown) {
                problem = "is no currency known to ISO 4217";
            }
            if (problem == null && PROVIDER_MINOR_UNITS_DIFFER.contains(currency.toUpperCase(Locale.ROOT))) {
                problem = "counts its minor units one way at Stripe and another in ISO 4217 (Stripe: ISK in"
                        + " hundredths, MGA in whole ariary), so its amounts would be shown 100 times off";
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException("renderbank.catalog product " + id + ": currency \""
                    + (currency == null ? "" : currency) + "\" " + problem
                    + "; set an ISO 4217 code such as USD or EUR");
        }
    }
}
