package dev.renderbank.billing.core;

import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

    private final PeriodStore periods;
    private final PurchaseStore purchases;
    private final SubscriptionStore subscriptions;
    private final SwitchedMonth switched;
    private final Ledger ledger;
    private final OperatorAlerts alerts;
    private final Clock clock;
    private final TransactionTemplate tx;

    MonthlyGrants(
            PeriodStore periods,
            PurchaseStore purchases,
            SubscriptionStore subscriptions,
            SwitchedMonth switched,
            Ledger ledger,
            OperatorAlerts alerts,
            Clock clock,
            TransactionTemplate tx) {
        this.periods = periods;
        this.purchases = purchases;
        this.subscriptions = subscriptions;
        this.switched = switched;
        this.ledger = ledger;
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
        long grantedNow = topUpShortMonths(period, endsAt, replaced, announce);
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
            long month = grantMonth(period, k, held, monthStart, announce);
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
    private long topUpShortMonths(
            PeriodStore.Period period, Instant endsAt, Optional<Instant> replaced, boolean announce) {
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

    private static Instant monthStart(PeriodStore.Period period, int k) {
        return period.periodStart().atZone(ZoneOffset.UTC).plusMonths(k).toInstant();
    }

    /** Cancelled or ended ({@code endsAt}: a period that took no money), or replaced by a later period. */
    private static boolean stopped(Instant monthStart, Instant endsAt, Optional<Instant> replaced) {
        return (endsAt != null && !monthStart.isBefore(endsAt))
                || (replaced.isPresent() && !monthStart.isBefore(replaced.get()));
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
                "billing.period-paid-after-end",
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

    /**
     * Grants month {@code k} from {@code p}, the period's purchase locked with something left to grant.
     * A first month a plan switch's credited-back time used up entirely grants nothing. A month a later
     * plan switch (recorded first) credited the unused time of back has that share taken off the
     * switch's first month ({@link SwitchedMonth#takeFromLaterSwitch}).
     */
    private long grantMonth(PeriodStore.Period period, int k, Purchase p, Instant monthStart, boolean announce) {
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
