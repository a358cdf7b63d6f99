package dev.renderbank.billing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creem events ({@code {id, eventType, created_at, object}}). A pack is granted on
 * {@code checkout.completed}, keyed by the order id; a plan on each {@code subscription.paid},
 * keyed by subscription and period start. The product is Creem's product id mapped through the
 * catalogue, never inferred from the amount.
 */
@Component
class CreemEvents implements EventHandler {

    private final JsonMapper json;
    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final Purchases purchases;
    private final SubscriptionStore subscriptions;
    private final CheckoutStore checkouts;
    private final Clock clock;

    CreemEvents(
            JsonMapper json,
            ProductCatalog catalog,
            Buyers buyers,
            Purchases purchases,
            SubscriptionStore subscriptions,
            CheckoutStore checkouts,
            Clock clock) {
        this.json = json;
        this.catalog = catalog;
        this.buyers = buyers;
        this.purchases = purchases;
        this.subscriptions = subscriptions;
        this.checkouts = checkouts;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return "creem";
    }

    @Override
    public Outcome handle(PaymentEventStore.Stored event) {
        JsonNode root;
        try {
            root = json.readTree(event.payload());
        } catch (JacksonException e) {
            return new Outcome.Unprocessable("payload is not JSON");
        }
        JsonNode obj = root.path("object");
        Long createdMs = Json.number(root, "created_at");
        Instant at = createdMs != null ? Instant.ofEpochMilli(createdMs) : clock.instant();
        switch (event.type()) {
            case "checkout.completed":
                return checkoutCompleted(obj, at);
            case "subscription.paid":
                return subscriptionPaid(obj);
            case "subscription.active", "subscription.update", "subscription.trial_ended":
                return status(obj, Optional.ofNullable(Json.text(obj, "status")).orElse("active"), null, at);
            case "subscription.paused":
                return status(obj, "paused", null, at);
            case "subscription.canceled":
                // Paid-for time is kept: grants stop at the end of the current period.
                Instant end = Optional.ofNullable(Json.time(obj, "current_period_end_date"))
                        .orElse(at);
                return status(obj, "canceled", end, at);
            case "subscription.expired":
                return status(obj, "expired", at, at);
            case "refund.created":
                return refund(obj);
            case "dispute.created":
                String disputeId = Json.text(obj, "id");
                if (disputeId == null) {
                    return new Outcome.Unprocessable("dispute without id");
                }
                return purchases.disputeOpened("creem", disputeId, refs(obj));
            default:
                return new Outcome.Ignored("event type " + event.type() + " is not used");
        }
    }

    private Outcome checkoutCompleted(JsonNode obj, Instant at) {
        String orderStatus = Json.text(obj, "order", "status");
        if (orderStatus != null && !"paid".equals(orderStatus)) {
            return new Outcome.Ignored("order is " + orderStatus + ", not paid");
        }
        Optional<Product> product = product(obj);
        if (product.isEmpty()) {
            return new Outcome.Unprocessable("unknown product " + creemProductId(obj));
        }
        Product p = product.get();
        String claimed = Json.text(obj, "metadata", "product");
        if (claimed != null && !claimed.equals(p.id())) {
            return new Outcome.Unprocessable("metadata says " + claimed + " but Creem product is " + p.id());
        }
        Optional<Long> user =
                buyers.find(Json.text(obj, "metadata", "userId"), null, Json.text(obj, "customer", "email"));
        if (user.isEmpty()) {
            return new Outcome.Unprocessable("unknown user (metadata " + Json.text(obj, "metadata", "userId") + ")");
        }
        String requestId = Json.text(obj, "request_id");
        if (requestId != null) {
            checkouts.complete(requestId);
        }
        if (p.isPlan()) {
            String subId = Json.id(obj, "subscription");
            if (subId == null) {
                return new Outcome.Unprocessable("plan checkout without a subscription");
            }
            subscriptions.ensure("creem", subId, user.get(), p.id(), "active", at, clock.instant());
            return new Outcome.Processed("subscription " + subId + " recorded; credits come with subscription.paid");
        }
        String orderId = Json.id(obj, "order");
        if (orderId == null) {
            return new Outcome.Unprocessable("checkout without an order id");
        }
        Long amount = Json.number(obj, "order", "amount");
        String currency = Json.text(obj, "order", "currency");
        var charge = new Purchases.Charge(
                "creem",
                user.get(),
                p,
                amount != null ? amount : p.priceMinor(),
                currency != null ? currency.toUpperCase(Locale.ROOT) : p.currency(),
                List.of(orderId, Optional.ofNullable(Json.text(obj, "id")).orElse(""), nz(requestId)));
        return purchases.pack(charge, "creem:order:" + orderId);
    }

    private Outcome subscriptionPaid(JsonNode sub) {
        String subId = Json.text(sub, "id");
        Optional<Product> product = product(sub);
        if (subId == null) {
            return new Outcome.Unprocessable("subscription without id");
        }
        if (product.isEmpty() || !product.get().isPlan()) {
            return new Outcome.Unprocessable("unknown plan " + creemProductId(sub));
        }
        Long known =
                subscriptions.find("creem", subId).map(Subscription::userId).orElse(null);
        Optional<Long> user =
                buyers.find(Json.text(sub, "metadata", "userId"), known, Json.text(sub, "customer", "email"));
        if (user.isEmpty()) {
            return new Outcome.Unprocessable("unknown user for subscription " + subId);
        }
        Instant start = Json.time(sub, "current_period_start_date");
        Instant end = Json.time(sub, "current_period_end_date");
        if (start == null || end == null || !end.isAfter(start)) {
            return new Outcome.Unprocessable("subscription " + subId + " has no valid current period");
        }
        Product p = product.get();
        Long amount = Json.number(sub, "last_transaction", "amount");
        String currency = Json.text(sub, "last_transaction", "currency");
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

    private Outcome status(JsonNode sub, String status, Instant endsAt, Instant at) {
        String subId = Json.text(sub, "id");
        if (subId == null) {
            return new Outcome.Unprocessable("subscription without id");
        }
        if (subscriptions.find("creem", subId).isEmpty()) {
            Optional<Product> product = product(sub);
            Optional<Long> user =
                    buyers.find(Json.text(sub, "metadata", "userId"), null, Json.text(sub, "customer", "email"));
            if (product.isEmpty() || user.isEmpty()) {
                return new Outcome.Unprocessable("status of unknown subscription " + subId);
            }
            subscriptions.ensure("creem", subId, user.get(), product.get().id(), status, at, clock.instant());
        }
        boolean applied = subscriptions.applyStatus("creem", subId, status, endsAt, at);
        return applied
                ? new Outcome.Processed("subscription " + subId + " is " + status)
                : new Outcome.Ignored("a newer status of " + subId + " is already recorded");
    }

    private Outcome refund(JsonNode refund) {
        String refundId = Json.text(refund, "id");
        Long amount = Json.number(refund, "refund_amount");
        if (refundId == null || amount == null || amount <= 0) {
            return new Outcome.Unprocessable("refund without id or refund_amount");
        }
        return purchases.refund("creem", refundId, refs(refund), null, amount);
    }

    /**
     * Ids by which a refund or dispute may name the purchase, most specific first: a renewal's
     * refund names its own transaction and possibly the subscription's original order.
     */
    private static List<String> refs(JsonNode obj) {
        List<String> refs = new ArrayList<>();
        refs.add(nz(Json.id(obj, "transaction")));
        refs.add(nz(Json.id(obj, "transaction", "order")));
        refs.add(nz(Json.id(obj, "order")));
        refs.add(nz(Json.id(obj, "checkout")));
        return refs;
    }

    private Optional<Product> product(JsonNode obj) {
        String id = creemProductId(obj);
        return id == null ? Optional.empty() : catalog.byCreemProductId(id);
    }

    private static String creemProductId(JsonNode obj) {
        String id = Json.id(obj, "product");
        return id != null ? id : Json.text(obj, "order", "product");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
