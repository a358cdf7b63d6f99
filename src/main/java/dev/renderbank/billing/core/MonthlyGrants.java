package dev.renderbank.billing.core;

import static dev.renderbank.billing.core.GrantedMonths.monthStart;
import static dev.renderbank.billing.core.GrantedMonths.stopped;

import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The months of paid subscription periods: a monthly period grants its one month when it is paid, a
 * yearly one a month at each month's start, keyed by the period and month (each paid period grants
 * each of its months once, also when another period of the subscription starts in the same UTC
 * month), until a later paid period of it starts (a plan change that restarted the cycle). A period
 * paid with money grants all its months whatever end its subscription records and in whatever order
 * the events came (credits follow money; a refund takes back its share); one that starts at or
 * after that end is raised to operators. A period that took no money stops at the subscription's
 * end. No month is used up while the purchase has a dispute open; the dispute's closing grants the
 * months that started. Nor while refunds and disputes leave the purchase no credits to grant: a
 * refund that fails (the refunded total goes down) or a dispute won grants the months that started
 * meanwhile, and the rest of a month that was granted short because too little was left then (a
 * top-up, keyed by the month). Each month and top-up granted here is announced ({@link
 * Ledger#grantAnnounced}: {@code subscription-month}, {@code subscription-top-up}), except those
 * granted while the paid period is recorded, which its {@code PurchaseCompleted} announces.
 */
@Component
class MonthlyGrants {

    /** How long a period whose grant failed waits before the sweep tries it again. */
    static final Duration RETRY_FAILED = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(MonthlyGrants.class);

    private final PeriodStore periods;
    private final PurchaseStore purchases;
    private final SubscriptionStore subscriptions;
    private final SwitchedMonth switched;
    private final GrantedMonths months;
    private final OperatorAlerts alerts;
    private final Clock clock;
    private final TransactionTemplate tx;

    MonthlyGrants(
            PeriodStore periods,
            PurchaseStore purchases,
            SubscriptionStore subscriptions,
            SwitchedMonth switched,
            GrantedMonths months,
            OperatorAlerts alerts,
            Clock clock,
            TransactionTemplate tx) {
        this.periods = periods;
        this.purchases = purchases;
        this.subscriptions = subscriptions;
        this.switched = switched;
        this.months = months;
        this.alerts = alerts;
        this.clock = clock;
        this.tx = tx;
    }

    /**
     * The recurring sweep: grants the due months of each due period, each period in its own
     * transaction. A period whose grant fails (say its subscription row is gone) is logged and looked
     * at again {@link #RETRY_FAILED} later; it never stops the periods after it, which would leave
     * every other subscriber's month ungranted for as long as it fails. Returns the periods granted.
     */
    int grantDue() {
        int granted = 0;
        for (long period : due()) {
            Instant now = clock.instant();
            try {
                tx.executeWithoutResult(s -> grant(period, now));
                granted++;
            } catch (RuntimeException e) {
                log.error(
                        "Granting the due months of subscription period {} failed; the other periods go on, this one is tried again in {}",
                        period,
                        RETRY_FAILED,
                        e);
                tx.executeWithoutResult(s -> periods.postpone(period, now, now.plus(RETRY_FAILED)));
            }
        }
        return granted;
    }

    /**
     * Grants the months of one period that have started; returns the credits granted. Locks the
     * period ({@code SKIP LOCKED}: 0 if another transaction is granting it), then its purchase, then
     * its subscription {@code FOR SHARE SKIP LOCKED} (0 while a paid period of it is being recorded:
     * the sweep looks again once it committed), then a later switch's purchase that takes a share of
     * its month ({@link SwitchedMonth#lockLaterSwitch}), and only then the user's credit account.
     */
    long grant(long purchaseId, Instant now) {
        return grant(purchaseId, now, true);
    }

    /**
     * As {@link #grant(long, Instant)}, for the period {@link Purchases#period} is recording: what this
     * grants is announced by the period's own {@code PurchaseCompleted}, not once more month by month.
     */
    long grantWithPurchase(long purchaseId, Instant now) {
        return grant(purchaseId, now, false);
    }

    private long grant(long purchaseId, Instant now, boolean announce) {
        Optional<PeriodStore.Period> locked = periods.lock(purchaseId);
        if (locked.isEmpty()) {
            return 0; // not a period, or another node is granting it
        }
        PeriodStore.Period period = locked.get();
        Purchase purchase = purchases.lock(purchaseId);
        if (purchase.disputed()) {
            // Looked at again when the dispute closes (which waits for this lock, then grants).
            periods.advance(purchaseId, period.monthsGranted(), null);
            return 0;
        }
        // A paid period of the subscription being recorded now (a plan switch) may replace this one's
        // months: none is granted until it commits; the sweep looks again.
        Optional<Subscription> shared = subscriptions.lockShared(period.provider(), period.subscriptionId());
        if (shared.isEmpty()) {
            if (subscriptions.find(period.provider(), period.subscriptionId()).isEmpty()) {
                throw new IllegalStateException(
                        "period " + purchaseId + " has no subscription " + period.subscriptionId());
            }
            periods.advance(purchaseId, period.monthsGranted(), now);
            return 0;
        }
        Subscription sub = shared.get();
        // Where its months stop. Credits follow money: a period paid with money grants all its months
        // on schedule whatever end its subscription has recorded (a cancellation, a deletion at once,
        // or an end reported before the period's payment or before the reactivation that let it be
        // charged): a refund takes back its share. A period that took no money stops at the end.
        boolean paidWithMoney = purchase.paidWithMoney();
        Instant endsAt = paidWithMoney ? null : sub.endsAt();
        // A later period of the subscription (a plan change that restarted the cycle) pays for the
        // months from its start: this one grants none of them, or a billing month is granted twice.
        Optional<Instant> replaced =
                periods.nextStart(period.provider(), period.subscriptionId(), period.periodStart());
        replaced.ifPresent(at -> switched.lockLaterSwitch(period, at));
        long grantedNow = months.topUpShortMonths(period, endsAt, replaced, announce);
        int k = period.monthsGranted();
        Instant next = null;
        while (k < period.months()) {
            Instant monthStart = monthStart(period, k);
            if (k > 0 && stopped(monthStart, endsAt, replaced)) {
                break; // cancelled, ended or replaced: no further months
            }
            if (k > 0 && (monthStart.isAfter(now) || "paused".equals(sub.status()))) {
                next = monthStart.isAfter(now) ? monthStart : now.plusSeconds(3600);
                break;
            }
            if (k == 0 && period.monthCredits(0) == 0 && period.firstMonthLess() > 0) {
                // A first month a switch's credited-back time used up entirely grants nothing and is
                // done; it is still worth its plan's month, so a later switch in it (recorded first)
                // takes its unused share now, as after a month that granted credits.
                switched.takeFromLaterSwitch(period, 0, 0);
                k++;
                continue;
            }
            Purchase held = purchases.lock(purchaseId);
            if (held.entitlement() - held.kept() <= 0) {
                // Refunded (or charged back) down to what it granted: the month waits, as in a dispute,
                // for a refund that fails or a dispute won to make room again (each grants the months
                // that started meanwhile). Counted as granted with nothing, it would be lost for good.
                next = null;
                break;
            }
            long month = months.grantMonth(period, k, held, monthStart, announce);
            if (k == 1 && month > 0 && paidWithMoney && paidAfterEnd(period, sub)) {
                alertPaidAfterEnd(period, purchase, sub);
            }
            grantedNow += month;
            k++;
        }
        periods.advance(purchaseId, k, next);
        return grantedNow;
    }

    /**
     * A period that starts at or after its subscription's recorded end: the provider took money for
     * time after the subscription ended, as far as the events recorded here tell. Its months are
     * granted (the money was taken), but only the provider knows which is true.
     */
    private static boolean paidAfterEnd(PeriodStore.Period period, Subscription sub) {
        return sub.endsAt() != null && !period.periodStart().isBefore(sub.endsAt());
    }

    /**
     * Raised once per period, when its second month is granted: by then any status event that arrived
     * out of order (a reactivation reported after the renewal it allowed) has cleared the end, so what
     * is left is a contradiction only an operator can resolve at the provider.
     */
    private void alertPaidAfterEnd(PeriodStore.Period period, Purchase purchase, Subscription sub) {
        alerts.raise(
                AlertKind.BILLING_PERIOD_PAID_AFTER_END,
                "Subscription " + period.subscriptionId() + " (" + period.provider() + ", user " + purchase.userId()
                        + ") is recorded as ended on " + sub.endsAt() + ", yet its period from "
                        + period.periodStart() + " to " + period.periodEnd() + " was paid ("
                        + purchase.amountMinor() + " " + purchase.currency() + ", purchase " + purchase.key()
                        + "): its months are granted as paid for. Check the subscription at the provider;"
                        + " if it had ended, refund the period there (the refund takes back its share of"
                        + " the credits).");
    }

    /** Periods with a month due (the recurring sweep). */
    List<Long> due() {
        return periods.due(clock.instant(), 200);
    }
}
