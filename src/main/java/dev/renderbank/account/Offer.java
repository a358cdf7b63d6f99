package dev.renderbank.account;

import dev.renderbank.billing.Product;
import java.util.Locale;

/**
 * A pack or plan as the buy page shows it: a name, what it grants, its price in the currency's own
 * format ({@code per} "month" or "year" for plans) and, for packs, the price of 100 credits to compare them. All of it comes from the
 * catalogue; templates hold no prices.
 */
record Offer(String id, String name, long credits, String price, String per, String detail) {

    static Offer of(Product p) {
        String price = Money.format(p.priceMinor(), p.currency());
        if (p.isPlan()) {
            return new Offer(
                    p.id(),
                    planName(p),
                    p.credits(),
                    price,
                    p.months() >= 12 ? "year" : "month",
                    p.credits() + " credits every month" + (p.months() >= 12 ? ", billed yearly" : ""));
        }
        long per100 = Math.round(p.priceMinor() * 100.0 / p.credits());
        return new Offer(
                p.id(),
                p.credits() + " credits",
                p.credits(),
                price,
                null,
                Money.format(per100, p.currency()) + " per 100 credits, one-time");
    }

    /** {@code pro-monthly} → "Pro, monthly"; {@code proplus-yearly} → "Pro+, yearly". */
    static String planName(Product p) {
        String base = p.id().replaceFirst("-(monthly|yearly|month|year)$", "");
        base = base.replace("plus", "+").replace('-', ' ');
        String name = base.isEmpty() ? p.id() : base.substring(0, 1).toUpperCase(Locale.ROOT) + base.substring(1);
        return name + (p.months() >= 12 ? ", yearly" : ", monthly");
    }
}
