package dev.renderbank.billing.db;

/**
 * One paid charge (a pack order or one paid subscription period) as {@link PurchaseStore} reads it:
 * what it grants, what it has granted and clawed back, and how much of its charge was refunded or
 * disputed. {@code disputed} is true while one of its disputes is open.
 */
public record Purchase(
        long id,
        String key,
        String provider,
        long userId,
        String product,
        long credits,
        long amountMinor,
        String currency,
        long granted,
        long clawed,
        long refundedMinor,
        long disputedMinor,
        boolean disputed) {

    /**
     * What the user may keep: all, minus the fraction refunded or disputed (open or lost), rounded
     * down. Refunds and disputes together never take back more than the whole charge.
     */
    public long entitlement() {
        return entitlementOf(credits);
    }

    /**
     * What is left of {@code whole} (credits that came with this charge, such as the referral reward
     * its first purchase earned) after the same fraction was refunded or disputed as of the charge.
     */
    public long entitlementOf(long whole) {
        if (amountMinor <= 0) {
            return whole;
        }
        long takenBack = Math.min(refundedMinor + disputedMinor, amountMinor);
        return whole - Math.floorDiv(Math.multiplyExact(whole, takenBack), amountMinor);
    }

    /** Credits granted and not clawed back. */
    public long kept() {
        return granted - clawed;
    }

    /**
     * {@code minor} of the provider's {@code chargeMinor} (a tax-inclusive total, say) in this
     * purchase's own amount, rounded down; as is when the two agree or the charge is unknown.
     */
    public long inOwnAmount(long minor, Long chargeMinor) {
        if (chargeMinor == null || chargeMinor <= 0 || chargeMinor == amountMinor) {
            return minor;
        }
        return Math.floorDiv(Math.multiplyExact(minor, amountMinor), chargeMinor);
    }
}
