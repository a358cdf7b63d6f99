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
        boolean disputed,
        long unusedHandedOn,
        long unusedKept) {

    /** A purchase no plan switch credited back unused time of. */
    public Purchase(
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
        this(
                id,
                key,
                provider,
                userId,
                product,
                credits,
                amountMinor,
                currency,
                granted,
                clawed,
                refundedMinor,
                disputedMinor,
                disputed,
                0,
                0);
    }

    /**
     * What the user may keep: all, minus the fraction refunded or disputed (open or lost), rounded
     * down. Refunds and disputes together never take back more than the whole charge. Of a period
     * whose running month a plan switch credited back ({@code unusedHandedOn}, the unused share that
     * paid the new period), they take back their fraction of the rest only, and leave {@code
     * unusedKept}, what the switch took off its own first month for it: the unused time is taken
     * back once, by the switch.
     */
    public long entitlement() {
        if (unusedHandedOn == 0) {
            return entitlementOf(credits);
        }
        return entitlementOf(Math.max(0, credits - unusedHandedOn)) + unusedKept;
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
