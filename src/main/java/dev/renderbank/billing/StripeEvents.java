package dev.renderbank.billing;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe events, read from the raw JSON (older and newer API versions: invoice subscription and
 * price ids moved under {@code parent} and {@code pricing} in 2025). A pack is granted on a paid
 * Checkout Session keyed by the session id; a plan on each paid invoice keyed by subscription and
 * period start ({@link StripeInvoices}).
 */
@Component
class StripeEvents implements EventHandler {

    private final JsonMapper json;
    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final Purchases purchases;
    private final StripeInvoices invoices;
    private final Disputes disputes;
    private final SubscriptionStore subscriptions;
    private final CheckoutStore checkouts;
    private final Clock clock;

    StripeEvents(
            JsonMapper json,
            ProductCatalog catalog,
            Buyers buyers,
            Purchases purchases,
            StripeInvoices invoices,
            Disputes disputes,
            SubscriptionStore subscriptions,
            CheckoutStore checkouts,
            Clock clock) {
        this.json = json;
        this.catalog = catalog;
        this.buyers = buyers;
        this.purchases = purchases;
        this.invoices = invoices;
        this.disputes = disputes;
        this.subscriptions = subscriptions;
        this.checkouts = checkouts;
        this.clock = clock;
    }

    /** The event types handled below: the README lists them as the ones to subscribe to. */
    static final List<String> SUBSCRIBED = List.of(
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
            "invoice.paid",
            "invoice_payment.paid",
            "customer.subscription.created",
            "customer.subscription.updated",
            "customer.subscription.deleted",
            "customer.subscription.paused",
            "customer.subscription.resumed",
            "charge.refunded",
            "charge.dispute.created",
            "charge.dispute.closed");

    @Override
    public String provider() {
        return "stripe";
    }

    @Override
    public Outcome handle(PaymentEventStore.Stored event) {
        JsonNode root;
        try {
            root = json.readTree(event.payload());
        } catch (JacksonException e) {
            return new Outcome.Unprocessable("payload is not JSON");
        }
        if (!SUBSCRIBED.contains(event.type())) {
            return new Outcome.Ignored("event type " + event.type() + " is not used");
        }
        JsonNode obj = root.path("data").path("object");
        Long created = Json.number(root, "created");
        Instant at = created != null ? Instant.ofEpochSecond(created) : clock.instant();
        switch (event.type()) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded":
                return session(obj, at);
            case "invoice.paid":
                return invoices.paid(obj);
            case "invoice_payment.paid":
                return invoices.paymentPaid(obj);
            case "customer.subscription.created",
                    "customer.subscription.updated",
                    "customer.subscription.resumed",
                    "customer.subscription.paused":
                return subscription(obj, at, false);
            case "customer.subscription.deleted":
                return subscription(obj, at, true);
            case "charge.refunded":
                return refund(obj);
            case "charge.dispute.created":
                return Optional.ofNullable(Json.text(obj, "id"))
                        .map(id -> disputes.opened("stripe", id, disputeRefs(obj), Json.number(obj, "amount"), null))
                        .orElse(new Outcome.Unprocessable("dispute without id"));
            case "charge.dispute.closed":
                String disputeId = Json.text(obj, "id");
                if (disputeId == null) {
                    return new Outcome.Unprocessable("dispute without id");
                }
                // An inquiry closed as warning_closed ended without a chargeback: the merchant kept the money.
                String closedAs = Json.text(obj, "status");
                boolean kept = "won".equals(closedAs) || "warning_closed".equals(closedAs);
                return disputes.closed("stripe", disputeId, disputeRefs(obj), kept, Json.number(obj, "amount"), null);
            default:
                return new Outcome.Ignored("event type " + event.type() + " is not used");
        }
    }

    private Outcome session(JsonNode s, Instant at) {
        String sessionId = Json.text(s, "id");
        String paymentStatus = Json.text(s, "payment_status");
        String mode = Json.text(s, "mode");
        if (sessionId == null) {
            return new Outcome.Unprocessable("checkout session without id");
        }
        String productId = Json.text(s, "metadata", "product");
        Optional<Product> product = catalog.product(productId);
        if (product.isEmpty()) {
            return new Outcome.Unprocessable("unknown product " + productId);
        }
        Optional<Long> user = buyers.find(
                Optional.ofNullable(Json.text(s, "metadata", "userId")).orElse(Json.text(s, "client_reference_id")),
                null,
                Json.text(s, "customer_details", "email"));
        if (user.isEmpty()) {
            return new Outcome.Unprocessable("unknown user (metadata " + Json.text(s, "metadata", "userId") + ")");
        }
        Product p = product.get();
        String checkoutId = Json.text(s, "metadata", "checkoutId");
        if ("subscription".equals(mode)) {
            String subId = Json.id(s, "subscription");
            if (subId == null || !p.isPlan()) {
                return new Outcome.Unprocessable("subscription session without a subscription or plan");
            }
            subscriptions.ensure("stripe", subId, user.get(), p.id(), "active", at, clock.instant());
            if (checkoutId != null) {
                checkouts.complete(checkoutId);
            }
            return new Outcome.Processed("subscription " + subId + " recorded; credits come with invoice.paid");
        }
        // no_payment_required: a promotion code paid all of it (amount_total 0); still a purchase.
        if (!"paid".equals(paymentStatus) && !"no_payment_required".equals(paymentStatus)) {
            return new Outcome.Ignored("session " + sessionId + " is " + paymentStatus + ", not paid");
        }
        if (p.isPlan()) {
            return new Outcome.Unprocessable("one-time session for plan " + p.id());
        }
        if (checkoutId != null) {
            checkouts.complete(checkoutId);
        }
        Long amount = Json.number(s, "amount_total");
        String currency = Json.text(s, "currency");
        var charge = new Purchases.Charge(
                "stripe",
                user.get(),
                p,
                amount != null ? amount : p.priceMinor(),
                currency != null ? currency.toUpperCase(Locale.ROOT) : p.currency(),
                List.of(sessionId, nz(Json.id(s, "payment_intent"))));
        return purchases.pack(charge, "stripe:checkout:" + sessionId);
    }

    private Outcome subscription(JsonNode sub, Instant at, boolean deleted) {
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
        boolean applied = subscriptions.applyStatus("stripe", subId, status, endsAt, at);
        return applied
                ? new Outcome.Processed("subscription " + subId + " is " + status)
                : new Outcome.Ignored("a newer status of " + subId + " is already recorded");
    }

    private Outcome refund(JsonNode charge) {
        String chargeId = Json.text(charge, "id");
        Long refunded = Json.number(charge, "amount_refunded");
        if (chargeId == null || refunded == null) {
            return new Outcome.Unprocessable("charge without id or amount_refunded");
        }
        List<String> refs = List.of(chargeId, nz(Json.id(charge, "payment_intent")), nz(Json.id(charge, "invoice")));
        // amount_refunded is cumulative: the refund id names the charge and how much is refunded in total.
        return purchases.refund("stripe", chargeId + ":" + refunded, refs, refunded, 0, Json.number(charge, "amount"));
    }

    private static List<String> disputeRefs(JsonNode dispute) {
        return List.of(nz(Json.id(dispute, "charge")), nz(Json.id(dispute, "payment_intent")));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
