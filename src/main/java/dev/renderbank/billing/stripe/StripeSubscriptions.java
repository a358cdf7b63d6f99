package dev.renderbank.billing.stripe;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.core.Buyers;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
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
 * ({@link StripeInvoices}), never with these.
 */
@Component
class StripeSubscriptions {

    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final SubscriptionStore subscriptions;
    private final Clock clock;

    StripeSubscriptions(ProductCatalog catalog, Buyers buyers, SubscriptionStore subscriptions, Clock clock) {
        this.catalog = catalog;
        this.buyers = buyers;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    /** A subscription's status as of {@code at}; {@code deleted}: it ended (customer.subscription.deleted). */
    Outcome status(JsonNode sub, Instant at, boolean deleted) {
        String subId = Json.text(sub, "id");
        if (subId == null) {
            return new Outcome.Unprocessable("subscription without id");
        }
        if (subscriptions.find("stripe", subId).isEmpty()) {
            String priceId = Json.id(sub.path("items").path("data").path(0), "price");
            Optional<Product> product = catalog.product(Json.text(sub, "metadata", "product"))
                    .or(() -> Optional.ofNullable(priceId).flatMap(catalog::byStripePriceId));
            Optional<Long> user = buyers.find(Json.text(sub, "metadata", "userId"), null, null);
            if (product.isEmpty() || user.isEmpty()) {
                return new Outcome.Unprocessable("status of unknown subscription " + subId);
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
                ? subscriptions.endAtOnce("stripe", subId, endsAt, at)
                : subscriptions.applyStatus("stripe", subId, status, endsAt, at);
        return applied
                ? new Outcome.Processed("subscription " + subId + " is " + status)
                : new Outcome.Ignored("a newer status of " + subId + " is already recorded");
    }
}
