package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The grants of a paid period's months ({@link MonthlyGrants} decides which are due, under which
 * locks): one month's grant, the top-ups of months granted short, and the keys they are granted
 * under. Called with the period's purchase locked, in the caller's transaction.
 */
@Component
class GrantedMonths {

    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

    private final PurchaseStore purchases;
    private final SwitchedMonth switched;
    private final Ledger ledger;
    private final Clock clock;

    GrantedMonths(PurchaseStore purchases, SwitchedMonth switched, Ledger ledger, Clock clock) {
        this.purchases = purchases;
        this.switched = switched;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Tops up the months already granted short, oldest first, and returns the credits granted. A
     * month is granted short when refunds (or a lost dispute) leave less to grant than its credits;
     * its grant key is then used, so when the room comes back (the refund failed or was canceled, a
     * dispute was won) the rest goes under a key of its own, {@code <month key>:top-up:<n>} (n counts
     * the month's top-ups). What the month granted is read under the purchase's lock, so two
     * processes making room at once queue there, the second sees the first's top-up, and no month
     * ever grants more than its credits. A month granted before its key became the period's own is
     * found under the key it was granted under ({@link #grantedUnder}), among this purchase's grants
     * only; one a later period replaced is that period's.
     */
    long topUpShortMonths(PeriodStore.Period period, Instant endsAt, Optional<Instant> replaced, boolean announce) {
        long topped = 0;
        for (int k = 0; k < period.monthsGranted(); k++) {
            Instant monthStart = monthStart(period, k);
            if (k > 0 && stopped(monthStart, endsAt, replaced)) {
                break;
            }
            Purchase held = purchases.lock(period.purchaseId());
            long room = held.entitlement() - held.kept();
            if (room <= 0) {
                break;
            }
            String key = null;
            Optional<PurchaseStore.MonthGranted> granted = Optional.empty();
            for (String candidate : grantedUnder(held.key(), held.product(), period.subscriptionId(), monthStart)) {
                granted = purchases.grantedWithTopUps(held.id(), candidate);
                if (granted.isPresent()) {
                    key = candidate;
                    break;
                }
            }
            if (granted.isEmpty()) {
                continue;
            }
            long amount = Math.min(period.monthCredits(k) - granted.get().total(), room);
            if (amount <= 0) {
                continue;
            }
            String topUp = PurchaseStore.topUpKey(key, granted.get().topUps() + 1);
            if (!purchases.addGrant(held.id(), topUp, amount, clock.instant())) {
                // The purchase is locked and n counts the month's top-ups: a taken key is a bug.
                throw new IllegalStateException("top-up " + topUp + " is already recorded");
            }
            grant(
                    announce ? "subscription-top-up" : null,
                    held,
                    amount,
                    topUp,
                    held.product() + " credits for " + MONTH.format(monthStart)
                            + ": the rest of a month granted short while refunded or disputed");
            topped += amount;
        }
        return topped;
    }

    static Instant monthStart(PeriodStore.Period period, int k) {
        return period.periodStart().atZone(ZoneOffset.UTC).plusMonths(k).toInstant();
    }

    /** Cancelled or ended ({@code endsAt}: a period that took no money), or replaced by a later period. */
    static boolean stopped(Instant monthStart, Instant endsAt, Optional<Instant> replaced) {
        return (endsAt != null && !monthStart.isBefore(endsAt))
                || (replaced.isPresent() && !monthStart.isBefore(replaced.get()));
    }

    /**
     * Grants month {@code k} from {@code p}, the period's purchase locked with something left to grant.
     * A first month a plan switch's credited-back time used up entirely grants nothing. A month a later
     * plan switch (recorded first) credited the unused time of back has that share taken off the
     * switch's first month ({@link SwitchedMonth#takeFromLaterSwitch}).
     */
    long grantMonth(PeriodStore.Period period, int k, Purchase p, Instant monthStart, boolean announce) {
        long amount = Math.min(period.monthCredits(k), p.entitlement() - p.kept());
        if (amount <= 0) {
            return 0;
        }
        String key = monthKey(p.key(), monthStart);
        if (!purchases.addGrant(p.id(), key, amount, clock.instant())) {
            // This period's month is granted already. The key is the period's own: another paid period
            // of the subscription starting in the same UTC month (a plan or billing cycle restarted, a
            // new year bought) grants its own month beside this one, as it was paid for.
            return 0;
        }
        grant(
                announce ? "subscription-month" : null,
                p,
                amount,
                key,
                p.product() + " credits for " + MONTH.format(monthStart)
                        + (k == 0 && period.firstMonthLess() > 0 ? ", " + period.firstMonthNote() : ""));
        // A plan switch recorded before this month was granted takes the month's unused share now.
        switched.takeFromLaterSwitch(period, k, amount);
        return amount;
    }

    /** A grant of the purchase's credits; announced with {@code occasion} unless that is null. */
    private void grant(String occasion, Purchase p, long amount, String key, String reason) {
        if (occasion == null) {
            ledger.grant(p.userId(), amount, GrantSource.SUBSCRIPTION, key, p.product(), reason);
        } else {
            ledger.grantAnnounced(
                    occasion, p.userId(), amount, GrantSource.SUBSCRIPTION, key, p.product(), reason, null);
        }
    }

    /**
     * The grant key of a period's month: the period's own purchase key (one per provider, subscription
     * and period start) and the month, {@code <purchase key>:month:<yyyy-MM>}, so each paid period
     * grants each of its months once, whatever other period of the subscription starts in that month.
     */
    static String monthKey(String periodPurchaseKey, Instant monthStart) {
        return periodPurchaseKey + ":month:" + MONTH.format(monthStart);
    }

    /**
     * The keys the purchase's month from {@code monthStart} may have been granted under, its own first.
     * Months granted before release 2026-12-13 keep the keys they were granted under (the ledger's
     * grants are never renamed; clawbacks find them by those keys): {@code sub:<id>:<yyyy-MM>}, or,
     * when a replaced plan's period held that key, {@code sub:<id>:<yyyy-MM>:<product>}. Only
     * months already granted are looked up by these (to top one up), and only among the purchase's own
     * grants, so another period's grant under the same old key is never taken for this one's.
     */
    static List<String> grantedUnder(String purchaseKey, String product, String subscriptionId, Instant monthStart) {
        String old = "sub:" + subscriptionId + ":" + MONTH.format(monthStart);
        return List.of(monthKey(purchaseKey, monthStart), old, old + ":" + product);
    }
}
