package dev.renderbank.billing.db;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The months of a subscription's latest paid period that are not granted yet, by the rules the
 * monthly grants follow (MonthlyGrants): a period paid with money grants each of its months whatever
 * end its subscription records; one that took no money none starting at or after that end; each month
 * at most what the purchase is still entitled to after refunds and disputes. A later period (a plan
 * switch) is the latest one, so it is the one read.
 */
record MonthsToCome(long credits, Instant next, Instant last) {

    static final MonthsToCome NONE = new MonthsToCome(0, null, null);

    /**
     * {@code left}: what the purchase may still grant (its entitlement minus what it kept); {@code
     * paidWithMoney}: its amount is above zero; {@code endsAt}: the subscription's recorded end, or null.
     */
    static MonthsToCome of(
            Instant periodStart,
            int months,
            int monthsGranted,
            long monthly,
            long left,
            boolean paidWithMoney,
            Instant endsAt) {
        long credits = 0;
        Instant next = null;
        Instant last = null;
        for (int k = monthsGranted; k < months && left > 0; k++) {
            Instant monthStart =
                    periodStart.atZone(ZoneOffset.UTC).plusMonths(k).toInstant();
            if (k > 0 && !paidWithMoney && endsAt != null && !monthStart.isBefore(endsAt)) {
                break;
            }
            long amount = Math.min(monthly, left);
            left -= amount;
            credits += amount;
            next = next == null ? monthStart : next;
            last = monthStart;
        }
        return new MonthsToCome(credits, next, last);
    }
}
