package dev.renderbank.billing.stripe;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.core.Buyers;
import dev.renderbank.billing.core.DeletedAccountRenewals;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Stripe subscription events ({@code customer.subscription.*}). Statuses are recorded as of the
 * event's time, never over a newer one; a cancellation at the period end sets when it ends, a
 * deletion ({@code customer.subscription.deleted}) ends the subscription at once: no month of a free
 * period after it, while a period paid with money keeps its months (credits follow money: a refund
 * takes back its share). A paused collection is recorded as paused. Credits come with paid invoices
 * ({@link StripeInvoices}), never with these. A subscription whose first payment was pending that one
 * of these ends (deleted, {@code incomplete_expired}) never started: its user is told ({@link
 * StripeFirstPayments}).
 */
@Component
class StripeSubscriptions {

    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final StripeSubscribers subscribers;
    private final SubscriptionStore subscriptions;
    private final SubscriptionStatusStore statuses;
    private final DeletedAccountRenewals deletedAccountRenewals;
    private final StripeFirstPayments firstPayments;
    private final Clock clock;

    StripeSubscriptions(
            ProductCatalog catalog,
            Buyers buyers,
            StripeSubscribers subscribers,
            SubscriptionStore subscriptions,
            SubscriptionStatusStore statuses,
            DeletedAccountRenewals deletedAccountRenewals,
            StripeFirstPayments firstPayments,
            Clock clock) {
        this.catalog = catalog;
        this.buyers = buyers;
        this.subscribers = subscribers;
        this.subscriptions = subscriptions;
        this.statuses = statuses;
        this.deletedAccountRenewals = deletedAccountRenewals;
        this.firstPayments = firstPayments;
        this.clock = clock;
    }

    /** A subscription's status as of {@code at}; {@code deleted}: it ended (customer.subscription.deleted). */
    Outcome status(JsonNode sub, Instant at, boolean deleted) {
        String subId = Json.text(sub, "id");
        if (subId == null) {
            return new Outcome.Unprocessable("subscription without id");
        }
        Optional<Subscription> before = subscriptions.find("stripe", subId);
        if (before.isEmpty()) {
            // Its first events may come before its checkout session's: recorded now for the user of
            // the checkout renderbank opened that its metadata names (StripeSubscribers), never for a
            // user its metadata names alone. Without one it is not renderbank's (another application,
            // a payment link, the dashboard): nothing to record, and nothing for an operator.
            Optional<CheckoutStore.Checkout> opened = subscribers.opened(sub.path("metadata"));
            if (opened.isEmpty()) {
                return new Outcome.Ignored("subscription " + subId
                        + " is not recorded and its metadata names no checkout renderbank opened: not renderbank's");
            }
            String priceId = Json.id(sub.path("items").path("data").path(0), "price");
            Optional<Product> product = Optional.ofNullable(priceId)
                    .flatMap(catalog::byStripePriceId)
                    .or(() -> catalog.product(opened.get().product()));
            Optional<Long> user = buyers.known(opened.get().userId());
            if (product.isEmpty() || user.isEmpty()) {
                return new Outcome.Unprocessable("status of subscription " + subId + " of checkout "
                        + opened.get().id() + ": its " + (user.isEmpty() ? "user" : "plan") + " is unknown");
            }
            subscriptions.ensure("stripe", subId, user.get(), product.get().id(), "incomplete", at, clock.instant());
        }
        String status = Optional.ofNullable(Json.text(sub, "status")).orElse("active");
        Instant endsAt = null;
        if (deleted) {
            status = "canceled";
            endsAt = Optional.ofNullable(Json.time(sub, "ended_at")).orElse(at);
        } else if (Json.time(sub, "cancel_at") != null) {
            endsAt = Json.time(sub, "cancel_at");
        } else if (sub.path("cancel_at_period_end").asBoolean(false)) {
            endsAt = Optional.ofNullable(Json.time(sub, "current_period_end"))
                    .orElse(Json.time(sub.path("items").path("data").path(0), "current_period_end"));
        }
        if (sub.path("pause_collection").isObject()) {
            status = "paused";
        }
        // Deleted: it ended at once (or at the period's end it was set to end at): access ends then.
        boolean applied = deleted
                ? statuses.endAtOnce("stripe", subId, endsAt, at)
                : statuses.applyStatus("stripe", subId, status, endsAt, at);
        if (applied && !deleted) {
            deletedAccountRenewals.stopIfDeleted("stripe", subId);
        }
        if (applied) {
            boolean ended = deleted
                    || subscriptions
                            .find("stripe", subId)
                            .filter(s -> !s.runningAt(clock.instant()))
                            .isPresent();
            firstPayments.endedUnpaid(before, ended);
        }
        return applied
                ? new Outcome.Processed("subscription " + subId + " is " + status)
                : new Outcome.Ignored("a newer status of " + subId + " is already recorded, or its first payment"
                        + " failed and it is cancelled at Stripe: only its end is recorded now");
    }
}
