package dev.renderbank.billing;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Packs and plans from {@code renderbank.catalog.packs.<id>.*} and {@code renderbank.catalog.plans.<id>.*}.
 * The products of SPEC section 3 are built in; configuration overrides any field of them or adds
 * products. Provider ids default to placeholders that only the simulated checkout understands
 * ({@code prod_local_<id>}, {@code price_local_<id>}), for added products too. The
 * catalogue is read at start; a checkout records what it offered when it was opened ({@code
 * CheckoutStore.Offer}), and its payment grants that, whatever the catalogue says by then. What a
 * configuration must satisfy is checked at start by {@link CatalogChecks}.
 */
@ConfigurationProperties("renderbank.catalog")
public record ProductCatalog(Map<String, Entry> packs, Map<String, Entry> plans, Entry free) {

    /**
     * One configured product; unset fields fall back to the built-in default of the same id.
     *
     * @param credits credits of one pack, or a plan's credits each month
     * @param priceMinor price in minor units of {@code currency}
     * @param currency ISO 4217 code
     * @param interval a plan's billing interval, {@code month} or {@code year}
     * @param creemProductId the Creem product new checkouts are opened for
     * @param stripePriceId the Stripe price new checkouts charge
     * @param creemEarlierProductIds Creem products the product was sold as before (a price change is
     *     a new product at Creem): their subscriptions' renewals and checkouts still map to it; never
     *     used for a new checkout
     * @param stripeEarlierPriceIds Stripe prices the product was sold at before (Stripe prices cannot
     *     change, so a new price is a new id, and subscriptions keep renewing at the old one): their
     *     invoices still map to it; never used for a new checkout
     */
    public record Entry(
            Long credits,
            Long priceMinor,
            String currency,
            String interval,
            String creemProductId,
            String stripePriceId,
            List<String> creemEarlierProductIds,
            List<String> stripeEarlierPriceIds) {}

    public ProductCatalog {
        packs = merge(defaultPacks(), packs);
        plans = merge(defaultPlans(), plans);
        free = free == null || free.credits() == null
                ? new Entry(15L, 0L, "USD", null, null, null, List.of(), List.of())
                : free;
        if (free.currency() != null) {
            CatalogChecks.checkCurrency("free", free.currency());
        }
        for (var e : packs.entrySet()) {
            CatalogChecks.check(e.getKey(), e.getValue(), false);
        }
        for (var e : plans.entrySet()) {
            CatalogChecks.check(e.getKey(), e.getValue(), true);
        }
        CatalogChecks.checkUnique(packs, plans);
    }

    /** The prefix of the built-in Creem product ids, which only the simulated checkout knows. */
    public static final String CREEM_PLACEHOLDER = "prod_local_";

    /** The prefix of the built-in Stripe price ids, which only the simulated checkout knows. */
    public static final String STRIPE_PLACEHOLDER = "price_local_";

    /**
     * The packs and plans that cannot be sold through {@code provider}: without its product (Creem) or
     * price (Stripe) id, or with the built-in placeholder, the provider refuses the checkout and a
     * webhook for the real id grants nothing. Empty for the simulated checkout.
     */
    public List<String> unsellableThrough(PaymentsProperties.Provider provider) {
        if (provider == PaymentsProperties.Provider.SIMULATED) {
            return List.of();
        }
        return all().stream()
                .filter(p -> {
                    String id = provider == PaymentsProperties.Provider.CREEM ? p.creemProductId() : p.stripePriceId();
                    String placeholder =
                            provider == PaymentsProperties.Provider.CREEM ? CREEM_PLACEHOLDER : STRIPE_PLACEHOLDER;
                    return id == null || id.isBlank() || id.startsWith(placeholder);
                })
                .map(Product::id)
                .toList();
    }

    /** Credits of the free plan: the one-time sign-up bonus. */
    public long signupBonus() {
        return free.credits();
    }

    public Optional<Product> product(String id) {
        if (id == null) {
            return Optional.empty();
        }
        if (packs.containsKey(id)) {
            return Optional.of(toProduct(id, packs.get(id), Product.Kind.PACK));
        }
        if (plans.containsKey(id)) {
            return Optional.of(toProduct(id, plans.get(id), Product.Kind.PLAN));
        }
        return Optional.empty();
    }

    public Collection<Product> all() {
        Map<String, Product> all = new LinkedHashMap<>();
        packs.forEach((id, e) -> all.put(id, toProduct(id, e, Product.Kind.PACK)));
        plans.forEach((id, e) -> all.put(id, toProduct(id, e, Product.Kind.PLAN)));
        return all.values();
    }

    /**
     * The pack or plan a Creem webhook or reconciliation names by {@code creemId}: its current
     * product or one of its earlier ones.
     */
    public Optional<Product> byCreemProductId(String creemId) {
        return byProviderId(creemId, Entry::creemProductId, Entry::creemEarlierProductIds);
    }

    /**
     * The pack or plan a Stripe webhook or reconciliation names by {@code priceId}: its current price
     * or one of its earlier ones (a subscription sold before a price change renews at the old price).
     */
    public Optional<Product> byStripePriceId(String priceId) {
        return byProviderId(priceId, Entry::stripePriceId, Entry::stripeEarlierPriceIds);
    }

    private Optional<Product> byProviderId(
            String providerId,
            java.util.function.Function<Entry, String> current,
            java.util.function.Function<Entry, List<String>> earlier) {
        if (providerId == null) {
            return Optional.empty();
        }
        for (var kind : List.of(Product.Kind.PACK, Product.Kind.PLAN)) {
            for (var e : (kind == Product.Kind.PACK ? packs : plans).entrySet()) {
                Entry entry = e.getValue();
                if (providerId.equals(current.apply(entry))
                        || earlier.apply(entry).contains(providerId)) {
                    return Optional.of(toProduct(e.getKey(), entry, kind));
                }
            }
        }
        return Optional.empty();
    }

    private static Product toProduct(String id, Entry e, Product.Kind kind) {
        int months = kind == Product.Kind.PACK ? 0 : "year".equals(e.interval()) ? 12 : 1;
        return new Product(
                id,
                kind,
                e.credits(),
                e.priceMinor(),
                e.currency().toUpperCase(Locale.ROOT),
                months,
                e.creemProductId(),
                e.stripePriceId());
    }

    private static Map<String, Entry> merge(Map<String, Entry> defaults, Map<String, Entry> configured) {
        Map<String, Entry> merged = new LinkedHashMap<>(defaults);
        if (configured != null) {
            configured.forEach((id, c) -> {
                // A product added here gets the placeholder ids a built-in one has: the simulated
                // checkout can sell it, and prod with Creem or Stripe refuses to start until it has
                // real ones (unsellableThrough), as for the built-in products.
                Entry d = defaults.getOrDefault(
                        id,
                        new Entry(
                                null,
                                null,
                                "USD",
                                "month",
                                CREEM_PLACEHOLDER + id,
                                STRIPE_PLACEHOLDER + id,
                                List.of(),
                                List.of()));
                merged.put(
                        id,
                        new Entry(
                                c.credits() != null ? c.credits() : d.credits(),
                                c.priceMinor() != null ? c.priceMinor() : d.priceMinor(),
                                c.currency() != null ? c.currency() : d.currency(),
                                c.interval() != null ? c.interval() : d.interval(),
                                c.creemProductId() != null ? c.creemProductId() : d.creemProductId(),
                                c.stripePriceId() != null ? c.stripePriceId() : d.stripePriceId(),
                                c.creemEarlierProductIds() != null
                                        ? ids(c.creemEarlierProductIds())
                                        : d.creemEarlierProductIds(),
                                c.stripeEarlierPriceIds() != null
                                        ? ids(c.stripeEarlierPriceIds())
                                        : d.stripeEarlierPriceIds()));
            });
        }
        return java.util.Collections.unmodifiableMap(merged);
    }

    /** A configured list of provider ids, without blanks ({@code a,,b} or a trailing comma). */
    private static List<String> ids(List<String> configured) {
        return configured.stream()
                .filter(java.util.Objects::nonNull)
                .map(String::trim)
                .filter(id -> !id.isEmpty())
                .toList();
    }

    private static Map<String, Entry> defaultPacks() {
        Map<String, Entry> m = new LinkedHashMap<>();
        pack(m, 200, 990);
        pack(m, 500, 2290);
        pack(m, 1000, 4500);
        pack(m, 2000, 8900);
        pack(m, 5000, 22000);
        return m;
    }

    private static void pack(Map<String, Entry> m, long credits, long priceMinor) {
        String id = "pack-" + credits;
        m.put(
                id,
                new Entry(
                        credits,
                        priceMinor,
                        "USD",
                        null,
                        CREEM_PLACEHOLDER + id,
                        STRIPE_PLACEHOLDER + id,
                        List.of(),
                        List.of()));
    }

    private static Map<String, Entry> defaultPlans() {
        Map<String, Entry> m = new LinkedHashMap<>();
        plan(m, "pro-monthly", 500, 1990, "month");
        plan(m, "proplus-monthly", 900, 3490, "month");
        plan(m, "pro-yearly", 500, 19900, "year");
        plan(m, "proplus-yearly", 900, 34900, "year");
        return m;
    }

    private static void plan(Map<String, Entry> m, String id, long credits, long priceMinor, String interval) {
        m.put(
                id,
                new Entry(
                        credits,
                        priceMinor,
                        "USD",
                        interval,
                        CREEM_PLACEHOLDER + id,
                        STRIPE_PLACEHOLDER + id,
                        List.of(),
                        List.of()));
    }
}
