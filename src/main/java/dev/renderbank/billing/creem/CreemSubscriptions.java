package dev.renderbank.billing.creem;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.core.Buyers;
import dev.renderbank.billing.core.DeletedAccountRenewals;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.db.CheckoutStore.Checkout;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Creem subscription events. A plan is granted on each {@code subscription.paid}, keyed by
 * subscription and period start. Statuses are Creem's documented ones: {@code expired} is not
 * terminal (payment retries follow, and a later payment makes the subscription active again; only
 * {@code canceled} is final), {@code scheduled_cancel} and {@code canceled} stop grants at the end of
 * the paid period, {@code trialing}, {@code past_due}, {@code unpaid} and {@code paused} are recorded.
 */
@Component
class CreemSubscriptions {

    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final Purchases purchases;
    private final SubscriptionStore subscriptions;
    private final SubscriptionStatusStore statuses;
    private final OpenedCheckouts opened;
    private final DeletedAccountRenewals deletedAccountRenewals;

    CreemSubscriptions(
            ProductCatalog catalog,
            Buyers buyers,
            Purchases purchases,
            SubscriptionStore subscriptions,
            SubscriptionStatusStore statuses,
            OpenedCheckouts opened,
            DeletedAccountRenewals deletedAccountRenewals) {
        this.catalog = catalog;
        this.buyers = buyers;
        this.purchases = purchases;
        this.subscriptions = subscriptions;
        this.statuses = statuses;
        this.opened = opened;
        this.deletedAccountRenewals = deletedAccountRenewals;
    }

    Outcome paid(JsonNode sub, Instant at) {
        String subId = Json.text(sub, "id");
        Optional<Product> product = CreemEvents.product(catalog, sub);
        if (subId == null) {
            return new Outcome.Unprocessable("subscription without id");
        }
        if (product.isEmpty() || !product.get().isPlan()) {
            return unknownPlan(sub, subId, product);
        }
        Optional<Long> user = subscriber(sub, subId);
        if (user.isEmpty()) {
            return notOurs(subId);
        }
        Instant start = Json.time(sub, "current_period_start_date");
        Instant end = Json.time(sub, "current_period_end_date");
        if (start == null || end == null || !end.isAfter(start)) {
            return new Outcome.Unprocessable("subscription " + subId + " has no valid current period");
        }
        Optional<Outcome> unjudged = CreemRenewalTerms.unjudged(sub, subId);
        if (unjudged.isPresent()) {
            return unjudged.get();
        }
        // What was paid, tax included, when Creem says so: refunds and disputes are measured in it.
        Long amount = Optional.ofNullable(Json.number(sub, "last_transaction", "amount_paid"))
                .orElse(Json.number(sub, "last_transaction", "amount"));
        String currency = Json.text(sub, "last_transaction", "currency");
        Optional<Checkout> checkout = opened.namedBy(sub).filter(c -> c.userId() == user.get());
        Product terms = checkout.map(c -> CreemRenewalTerms.terms(
                        c, product.get(), CreemEvents.creemProductId(sub), CreemRenewalTerms.preTax(sub)))
                .orElse(product.get());
        Optional<String> soldIn = CreemRenewalTerms.otherCurrency(checkout, product.get(), terms, currency);
        if (soldIn.isPresent()) {
            return CreemRenewalTerms.chargedInAnotherCurrency(sub, subId, product.get(), currency, soldIn.get());
        }
        Product p = soldAs(terms, CreemRenewalTerms.preTax(sub), currency);
        // A payment after expired (a retry that succeeded) makes the subscription active again, and
        // its months run on: the status goes first, so months granted now already see it.
        String status = Optional.ofNullable(Json.text(sub, "status")).orElse("active");
        subscriptions.ensure("creem", subId, user.get(), p.id(), status, at, at);
        apply(subId, status, sub, at);
        var charge = new Purchases.Charge(
                "creem",
                user.get(),
                p,
                amount != null ? amount : p.priceMinor(),
                currency != null ? currency.toUpperCase(Locale.ROOT) : p.currency(),
                List.of(
                        nz(Json.text(sub, "last_transaction_id")),
                        nz(Json.id(sub, "last_transaction")),
                        nz(Json.id(sub, "last_transaction", "order"))));
        return purchases.period(charge, subId, start, end);
    }

    /**
     * Whose subscription it is: the user it is recorded for, else (its first events may come before
     * its {@code checkout.completed}) the user of the checkout renderbank opened that its metadata
     * names ({@link OpenedCheckouts}). Never the metadata's user id or the customer's email alone.
     */
    private Optional<Long> subscriber(JsonNode sub, String subId) {
        Optional<Long> known = subscriptions.find("creem", subId).map(Subscription::userId);
        if (known.isPresent()) {
            return known;
        }
        return opened.namedBy(sub).flatMap(c -> buyers.known(c.userId()));
    }

    /**
     * The plan as the subscription was sold ({@code terms}: as {@link CreemRenewalTerms} decides from
     * the checkout its metadata names, the catalogue's plan as it is now without one), at the price
     * charged before tax ({@code preTax}, in the transaction's currency, which is the terms' own) when
     * Creem says it: what the period records and {@code /account} shows as what the plan renews at.
     */
    private static Product soldAs(Product terms, Long preTax, String currency) {
        return preTax == null
                ? terms
                : terms.asOffered(
                        terms.credits(),
                        preTax,
                        currency != null ? currency.toUpperCase(Locale.ROOT) : terms.currency());
    }

    /**
     * A payment of a subscription not recorded whose metadata names no checkout renderbank opened: its
     * {@code checkout.completed} may be on its way (it records the subscription), so it waits, retried
     * through the backoff schedule; after that it is another application's (or a payment link's) and
     * is kept for an operator, having granted nothing.
     */
    private static Outcome notOurs(String subId) {
        return new Outcome.Unprocessable(
                "subscription " + subId + " is not recorded and its metadata names no checkout renderbank"
                        + " opened: waiting for its checkout.completed (if it is another application's on the"
                        + " Creem store, or a payment link's, nothing is granted)",
                true);
    }

    /** A status event that names no status ({@code subscription.active}, {@code .update}): the object's own. */
    Outcome reportedStatus(JsonNode sub, Instant at) {
        return status(sub, Optional.ofNullable(Json.text(sub, "status")).orElse("active"), at);
    }

    /** A status event: {@code reported} is what the event says the subscription is now. */
    Outcome status(JsonNode sub, String reported, Instant at) {
        String subId = Json.text(sub, "id");
        if (subId == null) {
            return new Outcome.Unprocessable("subscription without id");
        }
        if (subscriptions.find("creem", subId).isEmpty()) {
            Optional<Product> product = CreemEvents.product(catalog, sub);
            Optional<Long> user = subscriber(sub, subId);
            if (product.isEmpty() || user.isEmpty()) {
                return new Outcome.Unprocessable("status of unknown subscription " + subId
                        + " (not recorded yet, and its metadata names no checkout renderbank opened)");
            }
            subscriptions.ensure("creem", subId, user.get(), product.get().id(), reported, at, at);
        }
        if (!apply(subId, reported, sub, at)) {
            return new Outcome.Ignored("a newer status of " + subId + " is already recorded");
        }
        deletedAccountRenewals.stopIfDeleted("creem", subId);
        return new Outcome.Processed("subscription " + subId + " is " + reported);
    }

    /** Records {@code status} as of {@code at}, with the end of grants it implies. */
    private boolean apply(String subId, String status, JsonNode sub, Instant at) {
        Instant periodEnd = Json.time(sub, "current_period_end_date");
        return switch (status) {
            // Paid-for time is kept: grants stop at the end of the current period.
            case "canceled" -> statuses.applyStatus("creem", subId, status, periodEnd != null ? periodEnd : at, at);
            case "scheduled_cancel" ->
                periodEnd != null
                        ? statuses.applyStatus("creem", subId, status, periodEnd, at)
                        : statuses.applyStatusKeepingEnd("creem", subId, status, at);
            // Running (again): a cancellation that was scheduled is undone.
            case "active", "trialing" -> statuses.applyStatus("creem", subId, status, null, at);
            // Unpaid for now (expired, past_due, unpaid) or paused: may recover, the end is unchanged.
            default -> statuses.applyStatusKeepingEnd("creem", subId, status, at);
        };
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /**
     * A paid period of a Creem product that no plan of the catalogue names as its {@code
     * creem-product-id} or among its {@code creem-earlier-product-ids}: nothing can be granted until an operator configures it (the catalogue is read
     * at start), so, like a checkout of an unknown product, it is retried through the backoff schedule
     * once, then kept FAILED for an operator and raised once ({@link Outcome.Unprocessable#bounded});
     * its error names the Creem product id to configure. Periods are keyed by (subscription, period
     * start), so a reprocess once it is configured grants once.
     */
    private static Outcome unknownPlan(JsonNode sub, String subId, Optional<Product> product) {
        String creemId = CreemEvents.creemProductId(sub);
        String what = product.map(p -> ", which is " + p.id() + ", a pack, not a plan")
                .orElse(", which no plan of renderbank.catalog has as its creem-product-id or among its"
                        + " creem-earlier-product-ids");
        return new Outcome.Unprocessable(
                "unknown plan " + creemId + ": subscription " + subId + " paid for Creem product " + creemId
                        + what + "; nothing was granted. If it is an earlier product of a plan (the plan moved to"
                        + " another Creem product, and subscribers sold before renew at this one), add " + creemId
                        + " to renderbank.catalog.plans.<id>.creem-earlier-product-ids; otherwise set"
                        + " renderbank.catalog.plans.<id>.creem-product-id to " + creemId
                        + "; restart, then reprocess this event: it grants once",
                true);
    }
}
