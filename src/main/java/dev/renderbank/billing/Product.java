package dev.renderbank.billing;

/**
 * Something we sell: a one-time credit pack or a plan. {@code credits} is what one pack grants, or
 * what a plan grants each month (yearly plans too: paid once, granted monthly). Money is integer
 * minor units plus an ISO currency.
 */
public record Product(
        String id,
        Kind kind,
        long credits,
        long priceMinor,
        String currency,
        int months,
        String creemProductId,
        String stripePriceId) {

    public enum Kind {
        PACK,
        PLAN
    }

    public boolean isPlan() {
        return kind == Kind.PLAN;
    }

    /** This product as a checkout offered it: the same product, with the credits, price and currency of then. */
    public Product asOffered(long offeredCredits, long offeredPriceMinor, String offeredCurrency) {
        return new Product(
                id, kind, offeredCredits, offeredPriceMinor, offeredCurrency, months, creemProductId, stripePriceId);
    }
}
