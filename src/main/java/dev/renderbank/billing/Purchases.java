package dev.renderbank.billing;

import dev.renderbank.ledger.ClawbackResult;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What a payment does to credits. Runs inside the event's transaction, so a grant and the
 * "processed" mark commit together. Every grant key comes from provider ids, never from time of
 * arrival, so a replay of any event finds the grant already made.
 */
@Component
class Purchases {

    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

    /** A paid charge as the provider reported it; {@code refs} are ids later refunds may name. */
    record Charge(
            String provider, long userId, Product product, long amountMinor, String currency, List<String> refs) {}

    private final PurchaseStore store;
    private final SubscriptionStore subscriptions;
    private final Ledger ledger;
    private final Rewards rewards;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Purchases(
            PurchaseStore store,
            SubscriptionStore subscriptions,
            Ledger ledger,
            Rewards rewards,
            ApplicationEventPublisher events,
            Clock clock) {
        this.store = store;
        this.subscriptions = subscriptions;
        this.ledger = ledger;
        this.rewards = rewards;
        this.events = events;
        this.clock = clock;
    }

    /** A one-time pack: grants its credits under {@code grantKey} (e.g. {@code creem:order:<id>}). */
    Outcome pack(Charge c, String grantKey) {
        Instant now = clock.instant();
        Optional<Long> id = store.insert(
                grantKey,
                c.provider(),
                c.userId(),
                c.product().id(),
                c.product().credits(),
                c.amountMinor(),
                c.currency(),
                now);
        if (id.isEmpty()) {
            return new Outcome.Processed("purchase " + grantKey + " was already granted");
        }
        store.addRefs(c.provider(), id.get(), c.refs());
        store.addGrant(id.get(), grantKey, c.product().credits(), now);
        GrantResult g = ledger.grant(
                c.userId(),
                c.product().credits(),
                GrantSource.PURCHASE,
                grantKey,
                c.product().id(),
                "purchase of " + c.product().id());
        afterFirstPurchase(c.userId(), id.get());
        publishAfterCommit(new PurchaseCompleted(
                c.userId(), c.product().id(), c.product().credits(), c.amountMinor(), c.currency(), grantKey));
        return new Outcome.Processed(
                "granted " + g.amount() + " credits for " + c.product().id());
    }

    /**
     * One paid subscription period: recorded once per (subscription, period start), its first
     * month granted now and, for yearly plans, one month at each month's start by {@link #grantDueMonths}.
     */
    Outcome period(Charge c, String subscriptionId, Instant periodStart, Instant periodEnd) {
        Instant now = clock.instant();
        Product p = c.product();
        subscriptions.ensure(c.provider(), subscriptionId, c.userId(), p.id(), "active", periodStart, now);
        subscriptions.recordPaidPeriod(c.provider(), subscriptionId, p.id(), periodEnd);
        String key = c.provider() + ":period:" + subscriptionId + ":" + periodStart.getEpochSecond();
        Optional<Long> id = store.insert(
                key, c.provider(), c.userId(), p.id(), p.credits() * p.months(), c.amountMinor(), c.currency(), now);
        if (id.isEmpty()) {
            return new Outcome.Processed("period " + key + " was already recorded");
        }
        store.addRefs(c.provider(), id.get(), c.refs());
        store.insertPeriod(id.get(), c.provider(), subscriptionId, periodStart, periodEnd, p.credits(), p.months());
        long first = grantMonths(id.get(), now);
        afterFirstPurchase(c.userId(), id.get());
        publishAfterCommit(new PurchaseCompleted(
                c.userId(), p.id(), first, c.amountMinor(), c.currency(), monthKey(subscriptionId, periodStart)));
        return new Outcome.Processed("period of " + p.id() + " recorded, " + first + " credits granted now");
    }

    /**
     * The payment ids of a paid invoice (Stripe invoice_payment.paid): added as refs of the
     * invoice's purchase if it is recorded, and kept for {@link #invoicePayments} if not yet.
     */
    Outcome invoicePaid(String provider, String invoiceId, List<String> paymentRefs) {
        store.lockInvoice(provider, invoiceId);
        store.addInvoicePayment(provider, invoiceId, paymentRefs);
        Optional<PurchaseStore.Purchase> found = store.lockByRefs(provider, List.of(invoiceId));
        if (found.isEmpty()) {
            return new Outcome.Processed(
                    "payment " + paymentRefs + " of invoice " + invoiceId + " kept for its purchase");
        }
        store.addRefs(provider, found.get().id(), paymentRefs);
        return new Outcome.Processed("payment " + paymentRefs + " of invoice " + invoiceId + " added to purchase "
                + found.get().key());
    }

    /** Payment ids already known for an invoice; takes the invoice's lock until the transaction ends. */
    List<String> invoicePayments(String provider, String invoiceId) {
        store.lockInvoice(provider, invoiceId);
        return store.invoicePayments(provider, invoiceId);
    }

    /** Grants the months of one period that have started; returns the credits granted. */
    long grantMonths(long purchaseId, Instant now) {
        Optional<PurchaseStore.Period> locked = store.lockPeriod(purchaseId);
        if (locked.isEmpty()) {
            return 0; // another node is granting it
        }
        PurchaseStore.Period period = locked.get();
        Subscription sub =
                subscriptions.find(period.provider(), period.subscriptionId()).orElseThrow();
        long grantedNow = 0;
        int k = period.monthsGranted();
        Instant next = null;
        while (k < period.months()) {
            Instant monthStart =
                    period.periodStart().atZone(ZoneOffset.UTC).plusMonths(k).toInstant();
            boolean stopped = sub.endsAt() != null && !monthStart.isBefore(sub.endsAt());
            if (k > 0 && stopped) {
                break; // cancelled or ended: no further months
            }
            if (k > 0 && (monthStart.isAfter(now) || "paused".equals(sub.status()))) {
                next = monthStart.isAfter(now) ? monthStart : now.plusSeconds(3600);
                break;
            }
            grantedNow += grantMonth(period, sub, monthStart);
            k++;
        }
        store.advancePeriod(purchaseId, k, next);
        return grantedNow;
    }

    private long grantMonth(PurchaseStore.Period period, Subscription sub, Instant monthStart) {
        PurchaseStore.Purchase p = store.lock(period.purchaseId());
        long amount = Math.min(period.monthlyCredits(), p.entitlement() - (p.granted() - p.clawed()));
        String key = monthKey(period.subscriptionId(), monthStart);
        // A period that starts in an already granted month (a mid-month plan change) grants nothing for it.
        if (amount <= 0 || !store.addGrant(p.id(), key, amount, clock.instant())) {
            return 0;
        }
        ledger.grant(
                p.userId(),
                amount,
                GrantSource.SUBSCRIPTION,
                key,
                p.product(),
                p.product() + " credits for " + MONTH.format(monthStart));
        return amount;
    }

    /** Grants every due month of every period (the recurring sweep); returns the periods looked at. */
    List<Long> periodsDue() {
        return store.periodsDue(clock.instant(), 200);
    }

    /**
     * A refund of a charge: {@code cumulativeMinor} is the charge's total refunded so far (Stripe)
     * or null, then {@code amountMinor} is this refund's own amount (Creem).
     */
    Outcome refund(String provider, String refundId, List<String> refs, Long cumulativeMinor, long amountMinor) {
        Optional<PurchaseStore.Purchase> found = store.lockByRefs(provider, refs);
        if (found.isEmpty()) {
            return new Outcome.Unprocessable("refund " + refundId + " names no known purchase " + refs);
        }
        PurchaseStore.Purchase p = found.get();
        long refunded = cumulativeMinor != null
                ? Math.max(p.refundedMinor(), cumulativeMinor)
                : p.refundedMinor() + amountMinor;
        refunded = Math.min(refunded, p.amountMinor());
        if (!store.insertRefund(provider, refundId, p.id(), refunded, clock.instant())) {
            return new Outcome.Processed("refund " + refundId + " was already applied");
        }
        store.setRefunded(p.id(), refunded);
        long taken = rebalance(store.lock(p.id()), provider + ":refund:" + refundId, "refund " + refundId);
        return new Outcome.Processed("refund " + refundId + ": " + refunded + "/" + p.amountMinor() + " " + p.currency()
                + " refunded, " + taken + " credits clawed back");
    }

    Outcome disputeOpened(String provider, String disputeId, List<String> refs) {
        Optional<PurchaseStore.Purchase> found = store.lockByRefs(provider, refs);
        if (found.isEmpty()) {
            return new Outcome.Unprocessable("dispute " + disputeId + " names no known purchase " + refs);
        }
        Optional<PurchaseStore.Dispute> existing = store.lockDispute(provider, disputeId);
        if (existing.isPresent()) {
            return new Outcome.Processed(
                    "dispute " + disputeId + " already " + existing.get().status());
        }
        PurchaseStore.Purchase p = found.get();
        store.setDisputed(p.id(), true);
        long taken = rebalance(store.lock(p.id()), provider + ":dispute:" + disputeId, "dispute " + disputeId);
        store.upsertDispute(provider, disputeId, p.id(), "OPEN", taken, clock.instant());
        return new Outcome.Processed("dispute " + disputeId + ": " + taken + " credits clawed back");
    }

    /**
     * A closed dispute: won gives back what the dispute took (as far as the purchase is still
     * entitled to it); lost keeps it taken, and takes it now if the dispute was never seen open.
     */
    Outcome disputeClosed(String provider, String disputeId, List<String> refs, boolean won) {
        Optional<PurchaseStore.Dispute> existing = store.lockDispute(provider, disputeId);
        String status = won ? "WON" : "LOST";
        if (existing.isEmpty()) {
            return closedUnseen(provider, disputeId, refs, won);
        }
        PurchaseStore.Dispute d = existing.get();
        if (!"OPEN".equals(d.status())) {
            return new Outcome.Processed("dispute " + disputeId + " already " + d.status());
        }
        store.upsertDispute(provider, disputeId, d.purchaseId(), status, d.clawed(), clock.instant());
        if (!won) {
            return new Outcome.Processed("dispute " + disputeId + " lost: " + d.clawed() + " credits stay clawed back");
        }
        store.setDisputed(d.purchaseId(), false);
        PurchaseStore.Purchase p = store.lock(d.purchaseId());
        // A refund may have arrived while the dispute was open: give back only what is still owed.
        long back = Math.max(0, Math.min(d.clawed(), p.entitlement() - (p.granted() - p.clawed())));
        if (back > 0) {
            String key = provider + ":dispute-won:" + disputeId;
            if (store.addGrant(p.id(), key, back, clock.instant())) {
                ledger.grant(p.userId(), back, GrantSource.PURCHASE, key, p.product(), "dispute " + disputeId + " won");
            }
        }
        return new Outcome.Processed("dispute " + disputeId + " won: " + back + " credits given back");
    }

    /**
     * A dispute closed before its opening was processed (the opening may still be waiting on a
     * retry). Recording it makes the late opening a no-op, so a lost one must claw back here.
     */
    private Outcome closedUnseen(String provider, String disputeId, List<String> refs, boolean won) {
        Optional<PurchaseStore.Purchase> found = store.lockByRefs(provider, refs);
        if (won) {
            // Won before we saw it open: nothing was taken, nothing to give back.
            store.upsertDispute(
                    provider, disputeId, found.map(PurchaseStore.Purchase::id).orElse(null), "WON", 0, clock.instant());
            return new Outcome.Processed("dispute " + disputeId + " closed (WON) before it was opened");
        }
        if (found.isEmpty()) {
            // Retried until the purchase is known, so the loss is never recorded without its clawback.
            return new Outcome.Unprocessable("lost dispute " + disputeId + " names no known purchase " + refs);
        }
        PurchaseStore.Purchase p = found.get();
        store.setDisputed(p.id(), true);
        long taken = rebalance(store.lock(p.id()), provider + ":dispute:" + disputeId, "dispute " + disputeId);
        store.upsertDispute(provider, disputeId, p.id(), "LOST", taken, clock.instant());
        return new Outcome.Processed(
                "dispute " + disputeId + " lost before it was opened: " + taken + " credits clawed back");
    }

    /**
     * Claws back whatever the purchase granted beyond its entitlement, latest grants first. The
     * ledger caps each grant at what it granted, and turns what the balance cannot cover into debt.
     */
    private long rebalance(PurchaseStore.Purchase p, String keyPrefix, String reason) {
        long excess = (p.granted() - p.clawed()) - p.entitlement();
        long applied = 0;
        for (String grantKey : store.grantKeys(p.id())) {
            if (excess - applied <= 0) {
                break;
            }
            ClawbackResult r = ledger.clawback(grantKey, excess - applied, keyPrefix + ":" + grantKey, reason);
            if (r instanceof ClawbackResult.ClawedBack cb) {
                applied += cb.applied();
            }
        }
        if (applied > 0) {
            store.addClawed(p.id(), applied);
        }
        return applied;
    }

    private void afterFirstPurchase(long userId, long purchaseId) {
        if (!store.hasOtherPurchase(userId, purchaseId)) {
            rewards.rewardReferrer(userId);
        }
    }

    private void publishAfterCommit(PurchaseCompleted event) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    events.publishEvent(event);
                }
            });
        } else {
            events.publishEvent(event);
        }
    }

    static String monthKey(String subscriptionId, Instant monthStart) {
        return "sub:" + subscriptionId + ":" + MONTH.format(monthStart);
    }
}
