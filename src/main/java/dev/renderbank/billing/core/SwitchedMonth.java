package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.identity.AccountDeletion;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a plan switch that starts a new period takes off the new period's first month when the
 * provider credited the unused time of the old period back: the unused share of the month the
 * subscription's running period granted, so credits follow paid time. Rounded down (the share taken
 * off, as refunds take back their share rounded down): the customer keeps less than one credit of a
 * second paid for, never loses one.
 *
 * <p>Taken once, whatever the order of events: by the switch when it is recorded, if the old month
 * is granted by then; otherwise when the old month is granted (its invoice.paid delivered after the
 * switch's, a yearly month granted by the sweep after it), from the switch's first month, which
 * gives back what it granted beyond that. The subscription's lock orders the two: a switch is
 * recorded under it exclusively, a month granted under it shared.
 *
 * <p>The old period is the one whose unused time the switch's invoice credited (its proration line
 * ends where that period ends), not whichever is recorded running at the switch: of two switches in
 * one month, the second's invoice.paid processed first takes its share from the first switch's month
 * when that is granted, not from the month before it (which the first switch takes).
 *
 * <p>Taken once also against refunds of the old period's charge: the switch takes off only what the
 * old purchase still holds of the unused share (its refunds and disputes took their fraction of it
 * before), and records on it the share handed on and what it took, so its later refunds and
 * disputes take back their fraction of the used share only ({@link Purchase#entitlement}).
 */
@Component
class SwitchedMonth {

    /**
     * The credits the new first month grants less, and why (for the grant's ledger reason); {@code
     * taken}: the old month's unused share is settled (false: it is taken when that month is granted).
     * {@code from}: the old period's purchase, which hands on {@code handedOn} (the unused share of its
     * month) and keeps {@code kept} of it (what it still held of it, less its refunds and disputes).
     */
    record Less(long credits, String note, boolean taken, long from, long handedOn, long kept) {

        static final Less NONE = new Less(0, null, true, 0, 0, 0);

        static final Less DUE = new Less(0, null, false, 0, 0, 0);
    }

    private final PeriodStore periods;
    private final PurchaseStore purchases;
    private final Clawbacks clawbacks;
    private final AccountDeletion accounts;

    SwitchedMonth(PeriodStore periods, PurchaseStore purchases, Clawbacks clawbacks, AccountDeletion accounts) {
        this.periods = periods;
        this.purchases = purchases;
        this.clawbacks = clawbacks;
        this.accounts = accounts;
    }

    /**
     * floor(worth × unused / month) ({@link #monthWorth}) of the running period's month that {@code
     * switchAt} falls in, at most {@code monthCredits} (the new first month's credits); the running
     * period is the one ending at {@code creditedEnd}, whose unused time the switch's invoice credited
     * back (null: not known, the latest running). Due (taken when that month is granted) if that
     * period is not recorded yet or has not granted that month yet: a second switch in the month
     * whose invoice.paid comes before the first's takes its share from the first switch's month, not
     * from the month before it.
     */
    Less unusedShare(String provider, String subscriptionId, Instant switchAt, Instant creditedEnd, long monthCredits) {
        Optional<PeriodStore.Running> running = periods.runningAt(provider, subscriptionId, switchAt, creditedEnd);
        if (running.isEmpty()) {
            return Less.DUE;
        }
        PeriodStore.Running r = running.get();
        // Locked: a refund of it is applied before or after this, never in between.
        Purchase held = purchases.lock(r.purchaseId());
        int k = 0;
        while (k + 1 < r.months() && !plusMonths(r.periodStart(), k + 1).isAfter(switchAt)) {
            k++;
        }
        Instant monthStart = plusMonths(r.periodStart(), k);
        Instant monthEnd = monthEnd(r.periodStart(), k, r.months(), r.periodEnd());
        Optional<PurchaseStore.MonthGranted> granted = Optional.empty();
        for (String key : GrantedMonths.grantedUnder(r.purchaseKey(), r.product(), subscriptionId, monthStart)) {
            granted = purchases.grantedWithTopUps(r.purchaseId(), key);
            if (granted.isPresent()) {
                break;
            }
        }
        if (granted.isEmpty() && k == 0 && r.firstMonthLess() >= r.monthlyCredits()) {
            // a first month the switch before it used up entirely: done, with nothing to grant
            granted = Optional.of(new PurchaseStore.MonthGranted(0, 0));
        }
        if (granted.isEmpty()) {
            return Less.DUE;
        }
        long worth = monthWorth(granted.get().total(), k, r.monthlyCredits(), r.firstMonthLess());
        return share(held, worth, monthStart, monthEnd, switchAt, monthCredits);
    }

    /**
     * What month {@code k} of a period is worth for the unused share a switch after it takes: what it
     * granted ({@code granted}) and, a first month, what it was granted less for the unused share of
     * the switch before it ({@code firstMonthLess}), at most the plan's {@code monthlyCredits}. The
     * money Stripe credits back for the unused time is that fraction of the whole price, paid partly
     * with the earlier period's unused time: taken of what the month granted only, a second switch in
     * the month left the user that fraction of the first switch's share (10 days of pro, 10 of pro+
     * and a pro+ year came to 222 credits more). The same whether the earlier share was taken before
     * the month was granted (it granted less) or after (it granted in full, then gave the share back).
     */
    static long monthWorth(long granted, int k, long monthlyCredits, long firstMonthLess) {
        if (k != 0 || firstMonthLess <= 0) {
            return granted;
        }
        return Math.min(monthlyCredits, granted + firstMonthLess);
    }

    /**
     * Records on the old period's purchase what the switch {@code less} (now recorded as the purchase
     * {@code switchKey}) took of it: the unused share it hands on, and what the switch took off its
     * first month for it. What the old purchase still held of that share beyond the new first month's
     * credits (a switch to a smaller plan early in the month) was paid back as money too, so it is
     * taken back from the old purchase's grants now: the user keeps the old month's used share and the
     * new month, as credits follow paid time (what the balance cannot cover becomes debt). Returns the
     * credits taken back.
     */
    long handOn(Less less, String provider, String switchKey) {
        if (less.handedOn() <= 0) {
            return 0;
        }
        purchases.handOnUnused(less.from(), less.handedOn(), less.credits());
        long excess = less.kept() - less.credits();
        Purchase old = purchases.lock(less.from());
        if (excess <= 0 || accounts.isDeleted(old.userId())) {
            return 0;
        }
        return clawbacks.takeBackForSwitch(
                old,
                purchases.grantKeys(old.id()),
                Math.min(excess, old.kept()),
                provider + ":switch-excess:" + switchKey,
                "plan switch " + switchKey + ": the unused time of this month was credited back, " + less.kept()
                        + " credits of it, of which the new first month takes " + less.credits()
                        + "; the other " + excess + " are taken back here");
    }

    /**
     * Locks the purchase of the switch that replaced {@code old} at {@code nextStart}, if its unused
     * share is still to be taken: before a grant of {@code old} touches the user's credit account, so
     * the grant takes the two in the order a refund or dispute of the switch's charge takes them (its
     * purchase, then the account), and the two cannot deadlock.
     */
    void lockLaterSwitch(PeriodStore.Period old, Instant nextStart) {
        periods.shareDueAt(old.provider(), old.subscriptionId(), nextStart, old.periodEnd())
                .ifPresent(due -> purchases.lock(due.purchaseId()));
    }

    /**
     * After month {@code k} of {@code old} granted {@code granted} credits: if the period that replaced
     * it is a switch that starts inside that month, credited its unused time back (not another
     * period's: a second switch in the month recorded before the first) and has not taken the unused
     * share yet (it was recorded first), takes it now off the switch's first month: its
     * purchase grants that much less and gives back what it granted beyond that. Returns the credits
     * taken back now.
     */
    long takeFromLaterSwitch(PeriodStore.Period old, int k, long granted) {
        Instant monthStart = plusMonths(old.periodStart(), k);
        Instant monthEnd = monthEnd(old.periodStart(), k, old.months(), old.periodEnd());
        Optional<Instant> next = periods.nextStart(old.provider(), old.subscriptionId(), old.periodStart());
        if (next.isEmpty() || !next.get().isAfter(monthStart) || !next.get().isBefore(monthEnd)) {
            return 0;
        }
        Optional<PeriodStore.ShareDue> due =
                periods.shareDueAt(old.provider(), old.subscriptionId(), next.get(), old.periodEnd());
        if (due.isEmpty()) {
            return 0;
        }
        var switchPurchase = purchases.lock(due.get().purchaseId());
        Purchase held = purchases.lock(old.purchaseId());
        long worth = monthWorth(granted, k, old.monthlyCredits(), old.firstMonthLess());
        Less less =
                share(held, worth, monthStart, monthEnd, next.get(), due.get().monthlyCredits());
        if (!periods.takeUnusedShare(switchPurchase.id(), less.credits(), less.note())) {
            throw new IllegalStateException("the unused share of period " + switchPurchase.key() + " is taken already");
        }
        long excess = handOn(less, old.provider(), switchPurchase.key());
        if (less.credits() == 0) {
            return excess;
        }
        purchases.reduceCredits(switchPurchase.id(), less.credits());
        // What its first month granted beyond that comes back (its other months and what refunds left
        // it stay as they are): the purchase keeps what its months grant now, at most its entitlement.
        if (accounts.isDeleted(switchPurchase.userId())) {
            return 0; // its credits were forfeited: nothing to take back
        }
        String firstMonth = GrantedMonths.monthKey(switchPurchase.key(), next.get());
        long firstGranted = purchases
                .grantedWithTopUps(switchPurchase.id(), firstMonth)
                .map(PurchaseStore.MonthGranted::total)
                .orElse(0L);
        var reduced = purchases.lock(switchPurchase.id());
        long beyond = Math.max(0, firstGranted - Math.max(0, due.get().monthlyCredits() - less.credits()));
        if (beyond > 0) {
            // recorded even when a refund or dispute took that much already: undone, it gives back no more
            purchases.cutMonths(switchPurchase.id(), beyond);
        }
        long keep = Math.min(reduced.entitlement(), reduced.granted() - beyond);
        List<String> keys = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String key : purchases.grantKeys(switchPurchase.id())) {
            (key.equals(firstMonth) || key.startsWith(firstMonth + ":top-up:") ? keys : others).add(key);
        }
        keys.addAll(others);
        return excess
                + clawbacks.takeBackForSwitch(
                        reduced,
                        keys,
                        reduced.kept() - keep,
                        old.provider() + ":switch:" + switchPurchase.key(),
                        "plan switch: the unused time before it was credited back, less " + less.credits()
                                + " credits for the first month");
    }

    /**
     * The unused share of {@code worth}, what the month of {@code held} (the old period's purchase) is
     * worth ({@link #monthWorth}), floor(worth × unused / month); of it the switch takes off what
     * {@code held} still holds after its refunds and disputes (the same fraction as of its charge), at
     * most {@code monthCredits}.
     */
    private static Less share(
            Purchase held, long worth, Instant monthStart, Instant monthEnd, Instant switchAt, long monthCredits) {
        long unused = Duration.between(switchAt, monthEnd).toSeconds();
        long month = Duration.between(monthStart, monthEnd).toSeconds();
        if (worth <= 0 || unused <= 0 || month <= 0) {
            return Less.NONE;
        }
        long share = Math.floorDiv(Math.multiplyExact(worth, unused), month);
        long kept = held.entitlementOf(share);
        long less = Math.min(kept, monthCredits);
        String why = "the plan switch credited back the unused " + unused + " s of the " + month + " s month from "
                + monthStart + " of period " + held.key() + ", worth " + worth + " credits (floor("
                + worth + " x " + unused + " / " + month + ") = " + share
                + (kept < share ? ", of which its refunds and disputes left " + kept : "")
                + ")";
        if (share <= 0) {
            return Less.NONE;
        }
        return new Less(less, less > 0 ? "less " + less + " credits: " + why : null, true, held.id(), share, kept);
    }

    /**
     * Where month {@code k} of a period of {@code months} ends: a month after it starts, and the last
     * month where the period ends. The provider keeps the subscription's anchor day, so a monthly
     * period that starts on a short month's last day runs to the anchor (Feb 28 to Mar 31 for a plan
     * started on Jan 31), longer than a month from its start (Mar 28): a switch on Mar 29 falls in
     * that period's month, and its unused time is measured against the whole of it.
     */
    private static Instant monthEnd(Instant periodStart, int k, int months, Instant periodEnd) {
        if (k + 1 >= months) {
            return periodEnd;
        }
        Instant next = plusMonths(periodStart, k + 1);
        return next.isBefore(periodEnd) ? next : periodEnd;
    }

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }
}
