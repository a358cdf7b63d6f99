package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.PurchaseStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a plan switch that starts a new period takes off the new period's first month when the
 * provider credited the unused time of the old period back: the unused share of the month the
 * subscription's running period granted, so credits follow paid time. Rounded down (the share taken
 * off, as refunds take back their share rounded down): the customer keeps less than one credit of a
 * second paid for, never loses one.
 */
@Component
class SwitchedMonth {

    /** The credits the new first month grants less, and why (for the grant's ledger reason). */
    record Less(long credits, String note) {

        static final Less NONE = new Less(0, null);
    }

    private final PeriodStore periods;
    private final PurchaseStore purchases;

    SwitchedMonth(PeriodStore periods, PurchaseStore purchases) {
        this.periods = periods;
        this.purchases = purchases;
    }

    /**
     * floor(granted × unused / month) of the running period's month that {@code switchAt} falls in,
     * at most {@code monthCredits} (the new first month's credits); none if no earlier period runs at
     * the switch or it has not granted that month.
     */
    Less unusedShare(String provider, String subscriptionId, Instant switchAt, long monthCredits) {
        Optional<PeriodStore.Running> running = periods.runningAt(provider, subscriptionId, switchAt);
        if (running.isEmpty()) {
            return Less.NONE;
        }
        PeriodStore.Running r = running.get();
        int k = 0;
        while (!plusMonths(r.periodStart(), k + 1).isAfter(switchAt)) {
            k++;
        }
        Instant monthStart = plusMonths(r.periodStart(), k);
        Instant next = plusMonths(r.periodStart(), k + 1);
        Instant monthEnd = next.isBefore(r.periodEnd()) ? next : r.periodEnd();
        long granted = 0;
        for (String key : MonthlyGrants.grantedUnder(r.purchaseKey(), r.product(), subscriptionId, monthStart)) {
            Optional<PurchaseStore.MonthGranted> g = purchases.grantedWithTopUps(r.purchaseId(), key);
            if (g.isPresent()) {
                granted = g.get().total();
                break;
            }
        }
        long unused = Duration.between(switchAt, monthEnd).toSeconds();
        long month = Duration.between(monthStart, monthEnd).toSeconds();
        if (granted <= 0 || unused <= 0 || month <= 0) {
            return Less.NONE;
        }
        long share = Math.floorDiv(Math.multiplyExact(granted, unused), month);
        long less = Math.min(share, monthCredits);
        if (less <= 0) {
            return Less.NONE;
        }
        return new Less(
                less,
                "less " + less + " credits: the plan switch credited back the unused " + unused + " s of the "
                        + month + " s month from " + monthStart + " for which period " + r.purchaseKey() + " granted "
                        + granted + " credits (floor(" + granted + " x " + unused + " / " + month + ") = " + share
                        + ")");
    }

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }
}
