package dev.renderbank.billing;

import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a payment does to credits. Runs inside the event's transaction, so a grant and the
 * "processed" mark commit together. Every grant key comes from provider ids, never from time of
 * arrival, so a replay of any event finds the grant already made. Disputes: {@link Disputes};
 * months of subscription periods: {@link MonthlyGrants}.
 */
@Component
class Purchases {

    /** A paid charge as the provider reported it; {@code refs} are ids later refunds may name. */
    record Charge(
            String provider, long userId, Product product, long amountMinor, String currency, List<String> refs) {}

    private final PurchaseStore store;
    private final PeriodStore periods;
    private final SubscriptionStore subscriptions;
    private final MonthlyGrants months;
    private final Clawbacks clawbacks;
    private final Ledger ledger;
    private final Rewards rewards;
    private final DurableEvents events;
    private final Clock clock;

    Purchases(
            PurchaseStore store,
            PeriodStore periods,
            SubscriptionStore subscriptions,
            MonthlyGrants months,
            Clawbacks clawbacks,
            Ledger ledger,
            Rewards rewards,
            DurableEvents events,
            Clock clock) {
        this.store = store;
        this.periods = periods;
        this.subscriptions = subscriptions;
        this.months = months;
        this.clawbacks = clawbacks;
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
        publish(new PurchaseCompleted(
                c.userId(), c.product().id(), c.product().credits(), c.amountMinor(), c.currency(), grantKey));
        return new Outcome.Processed(
                "granted " + g.amount() + " credits for " + c.product().id());
    }

    /**
     * One paid subscription period: recorded once per (subscription, period start), its first
     * month granted now and, for yearly plans, one month at each month's start by {@link MonthlyGrants}.
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
        periods.insert(id.get(), c.provider(), subscriptionId, periodStart, periodEnd, p.credits(), p.months());
        long first = months.grant(id.get(), now);
        afterFirstPurchase(c.userId(), id.get());
        boolean renewal = periods.hasEarlier(c.provider(), subscriptionId, periodStart);
        publish(new PurchaseCompleted(c.userId(), p.id(), first, c.amountMinor(), c.currency(), key, renewal));
        return new Outcome.Processed("period of " + p.id() + " recorded, " + first + " credits granted now");
    }

    /**
     * The payment ids of a paid invoice (Stripe invoice_payment.paid): added as refs of the
     * invoice's purchase if it is recorded, and kept for {@link #invoicePayments} if not yet.
     */
    Outcome invoicePaid(String provider, String invoiceId, List<String> paymentRefs) {
        store.lockInvoice(provider, invoiceId);
        store.addInvoicePayment(provider, invoiceId, paymentRefs);
        Optional<Purchase> found = store.lockByRefs(provider, List.of(invoiceId));
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

    /**
     * A refund of a charge: {@code cumulativeMinor} is the charge's total refunded so far (Stripe)
     * or null, then {@code amountMinor} is this refund's own amount (Creem). Both are measured
     * against {@code chargeMinor}, what the provider says was paid (tax included); null means the
     * purchase's own amount.
     */
    Outcome refund(
            String provider,
            String refundId,
            List<String> refs,
            Long cumulativeMinor,
            long amountMinor,
            Long chargeMinor) {
        Optional<Purchase> found = store.lockByRefs(provider, refs);
        if (found.isEmpty()) {
            return new Outcome.Unprocessable("refund " + refundId + " names no known purchase " + refs);
        }
        Purchase p = found.get();
        long refunded = cumulativeMinor != null
                ? Math.max(p.refundedMinor(), p.inOwnAmount(cumulativeMinor, chargeMinor))
                : p.refundedMinor() + p.inOwnAmount(amountMinor, chargeMinor);
        refunded = Math.min(refunded, p.amountMinor());
        if (!store.insertRefund(provider, refundId, p.id(), refunded, clock.instant())) {
            return new Outcome.Processed("refund " + refundId + " was already applied");
        }
        store.setRefunded(p.id(), refunded);
        long taken = clawbacks.rebalance(store.lock(p.id()), provider + ":refund:" + refundId, "refund " + refundId);
        return new Outcome.Processed("refund " + refundId + ": " + refunded + "/" + p.amountMinor() + " " + p.currency()
                + " refunded, " + taken + " credits clawed back");
    }

    private void afterFirstPurchase(long userId, long purchaseId) {
        if (!store.hasOtherPurchase(userId, purchaseId)) {
            rewards.rewardReferrer(userId);
        }
    }

    /** Stored with the grant, in its transaction: the confirmation email cannot be lost or sent for a rollback. */
    private void publish(PurchaseCompleted event) {
        events.publish(event);
    }
}
