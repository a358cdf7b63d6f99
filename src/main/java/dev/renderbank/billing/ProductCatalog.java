package dev.renderbank.billing;

import dev.renderbank.platform.CreditLimits;
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
 * CheckoutStore.Offer}), and its payment grants that, whatever the catalogue says by then.
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
            checkCurrency("free", free.currency());
        }
        for (var e : packs.entrySet()) {
            check(e.getKey(), e.getValue(), false);
        }
        for (var e : plans.entrySet()) {
            check(e.getKey(), e.getValue(), true);
        }
        checkUnique(packs, plans);
    }

    /**
     * A webhook names what was paid for by the provider's product or price id alone (Creem's
     * {@code subscription.paid}, Stripe's invoices), and the first product with that id would be
     * granted: so each provider id, current or earlier, names one product, and a product id one pack
     * or one plan.
     */
    private static void checkUnique(Map<String, Entry> packs, Map<String, Entry> plans) {
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

    private static void check(String id, Entry e, boolean plan) {
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
     * An ISO 4217 code Java knows, in either case, of a currency with minor units: "usd1", "EURO",
     * a made-up "ABC" and the no-currency or metal codes (XXX, XAU: no minor units) are refused.
     */
    private static void checkCurrency(String id, String currency) {
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
        }
        if (problem != null) {
            throw new IllegalArgumentException("renderbank.catalog product " + id + ": currency \""
                    + (currency == null ? "" : currency) + "\" " + problem
                    + "; set an ISO 4217 code such as USD or EUR");
        }
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
