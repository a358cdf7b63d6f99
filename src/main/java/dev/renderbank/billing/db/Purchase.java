package dev.renderbank.billing.db;

/**
 * One paid charge (a pack order or one paid subscription period) as {@link PurchaseStore} reads it:
 * what it grants, what it has granted and clawed back, and how much of its charge was refunded or
 * disputed. {@code disputed} is true while one of its disputes is open. {@code amountMinor} is what
 * the buyer was charged; {@code fromBalanceMinor} what else paid for it without a charge (the part of
 * a Stripe invoice paid from the customer's balance: money the buyer gave before).
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
        long unusedKept,
        long fromBalanceMinor) {

    /** A purchase paid by its charge alone. */
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
            boolean disputed,
            long unusedHandedOn,
            long unusedKept) {
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
                unusedHandedOn,
                unusedKept,
                0);
    }

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
                0,
                0);
    }

    /** What paid for it: its charge and what the customer's balance paid of it. */
    public long worthMinor() {
        return amountMinor + fromBalanceMinor;
    }

    /**
     * Whether money paid for it (charged now, or from the balance earlier payments left), rather than
     * a 100 % discount or the unused time of a plan switch alone.
     */
    public boolean paidWithMoney() {
        return worthMinor() > 0;
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
     * its first purchase earned) after the charge's refunds and disputes took back their fraction of
     * what paid for it ({@link #worthMinor}): of a period paid partly from the customer's balance, a
     * full refund of the charge leaves the share the balance paid.
     */
    public long entitlementOf(long whole) {
        if (amountMinor <= 0) {
            return whole;
        }
        long takenBack = Math.min(refundedMinor + disputedMinor, amountMinor);
        return whole - Math.floorDiv(Math.multiplyExact(whole, takenBack), worthMinor());
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
