package dev.renderbank.billing.core;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.billing.db.InvoicePaymentStore;
import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a payment does to credits. Runs inside the event's transaction, so a grant and the
 * "processed" mark commit together. Every grant key comes from provider ids, never from time of
 * arrival, so a replay of any event finds the grant already made. Refunds: {@link PurchaseRefunds};
 * disputes: {@link Disputes}; months of subscription periods: {@link MonthlyGrants}.
 */
@Component
public class Purchases {

    /**
     * A paid charge as the provider reported it; {@code refs} are ids later refunds may name. {@code
     * amountMinor}: what the buyer was charged; {@code fromBalanceMinor}: what the customer's balance
     * at the provider paid besides (a Stripe invoice paid from the balance a plan switch's unused time
     * left), money counted when it was charged.
     */
    public record Charge(
            String provider,
            long userId,
            Product product,
            long amountMinor,
            long fromBalanceMinor,
            String currency,
            List<String> refs) {

        /** A charge that paid all of it. */
        public Charge(
                String provider, long userId, Product product, long amountMinor, String currency, List<String> refs) {
            this(provider, userId, product, amountMinor, 0, currency, refs);
        }

        /** What the buyer is told of it: {@code credits} of {@code product} granted under {@code reference}. */
        PurchaseCompleted told(String product, long credits, String reference, boolean renewal, boolean change) {
            return new PurchaseCompleted(
                    userId, product, credits, amountMinor, currency, reference, renewal, change, fromBalanceMinor);
        }
    }

    private final PurchaseStore store;
    private final PurchaseRefStore refs;
    private final InvoicePaymentStore invoicePayments;
    private final PeriodStore periods;
    private final SubscriptionStore subscriptions;
    private final MonthlyGrants months;
    private final SwitchedMonth switched;
    private final Ledger ledger;
    private final Referrals referrals;
    private final DurableEvents events;
    private final AccountDeletion accounts;
    private final OperatorAlerts alerts;
    private final WaitingEvents waiting;
    private final DeletedAccountRenewals deletedAccountRenewals;
    private final Clock clock;

    Purchases(
            PurchaseStore store,
            PurchaseRefStore refs,
            InvoicePaymentStore invoicePayments,
            PeriodStore periods,
            SubscriptionStore subscriptions,
            MonthlyGrants months,
            SwitchedMonth switched,
            Ledger ledger,
            Referrals referrals,
            DurableEvents events,
            AccountDeletion accounts,
            OperatorAlerts alerts,
            WaitingEvents waiting,
            DeletedAccountRenewals deletedAccountRenewals,
            Clock clock) {
        this.store = store;
        this.refs = refs;
        this.invoicePayments = invoicePayments;
        this.periods = periods;
        this.subscriptions = subscriptions;
        this.months = months;
        this.switched = switched;
        this.ledger = ledger;
        this.referrals = referrals;
        this.events = events;
        this.accounts = accounts;
        this.alerts = alerts;
        this.waiting = waiting;
        this.deletedAccountRenewals = deletedAccountRenewals;
        this.clock = clock;
    }

    /**
     * Records the provider's ids of purchase {@code id} and makes due again the events parked waiting
     * for a purchase they name (a refund or dispute that arrived before its order and gave up), in the
     * transaction that records it and again once it commits ({@link WaitingEvents}), so none is left
     * parked once what it waited for exists, even one whose last attempt ran at that moment.
     */
    private void recordRefs(String provider, long id, List<String> ids) {
        refs.add(provider, id, ids);
        waiting.purchaseRecorded(provider, ids);
    }

    /** A one-time pack: grants its credits under {@code grantKey} (e.g. {@code creem:order:<id>}). */
    public Outcome pack(Charge c, String grantKey) {
        Instant now = clock.instant();
        Optional<Long> id = store.insert(
                grantKey,
                c.provider(),
                c.userId(),
                c.product().id(),
                c.product().credits(),
                c.amountMinor(),
                c.fromBalanceMinor(),
                c.currency(),
                now);
        if (id.isEmpty()) {
            return new Outcome.Processed("purchase " + grantKey + " was already granted");
        }
        recordRefs(c.provider(), id.get(), c.refs());
        store.addGrant(id.get(), grantKey, c.product().credits(), now);
        boolean live = accounts.keepUndeletedUntilCommit(c.userId());
        GrantResult g = ledger.grant(
                c.userId(),
                c.product().credits(),
                GrantSource.PURCHASE,
                grantKey,
                c.product().id(),
                "purchase of " + c.product().id());
        afterPurchase(c, id.get(), grantKey, live);
        publish(c.told(c.product().id(), c.product().credits(), grantKey, false, false));
        return new Outcome.Processed(
                "granted " + g.amount() + " credits for " + c.product().id());
    }

    /**
     * One paid subscription period: recorded once per (subscription, period start), its first
     * month granted now and, for yearly plans, one month at each month's start by {@link MonthlyGrants}.
     */
    public Outcome period(Charge c, String subscriptionId, Instant periodStart, Instant periodEnd) {
        return period(c, subscriptionId, periodStart, periodEnd, false, null);
    }

    /**
     * As above; {@code unusedTimeCredited}: the period starts with a plan switch whose invoice credits
     * the unused time of the old period back (Stripe's proration). Credits follow paid time: if a month
     * an earlier period of the subscription granted is still running, this period's first month is
     * granted less that month's unused share ({@link SwitchedMonth}), and its purchase records that much
     * fewer credits, so a refund of it takes back its fraction of what it grants. If that month is not
     * granted yet (its invoice.paid comes later), the share is taken off when it is. {@code creditedEnd}:
     * the end of the period whose unused time was credited (null: not known, the one running).
     */
    public Outcome period(
            Charge c,
            String subscriptionId,
            Instant periodStart,
            Instant periodEnd,
            boolean unusedTimeCredited,
            Instant creditedEnd) {
        Instant now = clock.instant();
        Product p = c.product();
        subscriptions.ensure(c.provider(), subscriptionId, c.userId(), p.id(), "active", periodStart, now);
        // Held until this period commits: a month of an earlier period granted meanwhile waits, then sees it.
        subscriptions.lockForPeriod(c.provider(), subscriptionId);
        subscriptions.recordPaidPeriod(c.provider(), subscriptionId, p.id(), periodStart, periodEnd);
        String key = periodKey(c.provider(), subscriptionId, periodStart);
        SwitchedMonth.Less less = unusedTimeCredited
                ? switched.unusedShare(c.provider(), subscriptionId, periodStart, creditedEnd, p.credits())
                : SwitchedMonth.Less.NONE;
        Optional<Long> id = store.insert(
                key,
                c.provider(),
                c.userId(),
                p.id(),
                p.credits() * p.months() - less.credits(),
                c.amountMinor(),
                c.fromBalanceMinor(),
                c.currency(),
                now);
        if (id.isEmpty()) {
            return new Outcome.Processed("period " + key + " was already recorded");
        }
        recordRefs(c.provider(), id.get(), c.refs());
        switched.handOn(less, c.provider(), key);
        periods.insert(
                id.get(),
                c.provider(),
                subscriptionId,
                periodStart,
                periodEnd,
                p.credits(),
                p.months(),
                less.credits(),
                less.note(),
                unusedTimeCredited,
                unusedTimeCredited ? creditedEnd : null,
                less.taken(),
                new PeriodStore.Price(p.priceMinor(), p.currency()));
        boolean live = accounts.keepUndeletedUntilCommit(c.userId());
        long first = months.grantWithPurchase(id.get(), now); // announced by PurchaseCompleted below
        afterPurchase(c, id.get(), key, live);
        if (!live) {
            // its renewals must stop too: the deletion's cancellation may have run before it was recorded
            deletedAccountRenewals.stopIfDeleted(c.provider(), subscriptionId);
        }
        // A later period renews the subscription, or starts a change to another plan (told as such).
        Optional<String> before = periods.planBefore(c.provider(), subscriptionId, periodStart);
        publish(c.told(
                p.id(),
                first,
                key,
                before.isPresent(),
                before.filter(plan -> !plan.equals(p.id())).isPresent()));
        return new Outcome.Processed("period of " + p.id() + " recorded, " + first + " credits granted now");
    }

    /** The key a subscription period's purchase is recorded under, whichever copy of its event arrives. */
    public static String periodKey(String provider, String subscriptionId, Instant periodStart) {
        return periodKeyPrefix(provider) + subscriptionId + ":" + periodStart.getEpochSecond();
    }

    /** What every subscription period's purchase key of {@code provider} starts with. */
    public static String periodKeyPrefix(String provider) {
        return provider + ":period:";
    }

    /**
     * The payment ids of a paid invoice (Stripe invoice_payment.paid): added as refs of the
     * invoice's purchase if it is recorded, and kept for {@link #invoicePayments} if not yet.
     */
    public Outcome invoicePaid(String provider, String invoiceId, List<String> paymentRefs) {
        invoicePayments.lock(provider, invoiceId);
        invoicePayments.add(provider, invoiceId, paymentRefs);
        Optional<Purchase> found = lockByRefs(provider, List.of(invoiceId));
        if (found.isEmpty()) {
            return new Outcome.Processed(
                    "payment " + paymentRefs + " of invoice " + invoiceId + " kept for its purchase");
        }
        recordRefs(provider, found.get().id(), paymentRefs);
        return new Outcome.Processed("payment " + paymentRefs + " of invoice " + invoiceId + " added to purchase "
                + found.get().key());
    }

    /** Payment ids already known for an invoice; takes the invoice's lock until the transaction ends. */
    public List<String> invoicePayments(String provider, String invoiceId) {
        invoicePayments.lock(provider, invoiceId);
        return invoicePayments.refs(provider, invoiceId);
    }

    /** The purchase named by the first recorded of {@code refs}, locked until the transaction ends. */
    private Optional<Purchase> lockByRefs(String provider, List<String> refs) {
        return this.refs.purchaseOf(provider, refs).map(store::lock);
    }

    /**
     * After a purchase's grant, in its transaction. A payment for an account its owner deleted (it
     * arrived late, or a renewal slipped past the cancellation) keeps no credits, since the ledger
     * forfeits what lands on a deleted account, earns no referral reward, and is raised to operators
     * to refund. {@code live}: the account was not deleted when the grant was made, and cannot be
     * until this transaction ends (a deletion under way was waited for and then seen). Otherwise the buyer's first paid purchase (amount above zero) earns their referrer's
     * reward.
     */
    private void afterPurchase(Charge c, long purchaseId, String key, boolean live) {
        if (!live) {
            alerts.raise(
                    AlertKind.BILLING_PAID_BY_DELETED_ACCOUNT,
                    "Purchase " + key + " (" + c.product().id() + ", " + c.amountMinor() + " " + c.currency()
                            + ") was paid for user " + c.userId() + ", whose account is deleted: its credits were"
                            + " forfeited; refund it at " + c.provider());
            return;
        }
        // only money earns it: a purchase a promotion code paid in full is not the first paid one
        if (c.amountMinor() > 0 && !store.hasOtherPaidPurchase(c.userId(), purchaseId)) {
            referrals.rewardReferrer(c.userId(), store.lock(purchaseId));
        }
    }

    /** Stored with the grant, in its transaction: the confirmation email cannot be lost or sent for a rollback. */
    private void publish(PurchaseCompleted event) {
        events.publish(event);
    }
}
