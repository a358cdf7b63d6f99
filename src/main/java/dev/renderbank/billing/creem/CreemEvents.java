package dev.renderbank.billing.creem;

import static java.util.Map.entry;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.core.Buyers;
import dev.renderbank.billing.core.EventEnvelope;
import dev.renderbank.billing.core.EventHandler;
import dev.renderbank.billing.core.EventKind;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.core.Screened;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creem events ({@code {id, eventType, created_at, object}}). A pack is granted on
 * {@code checkout.completed}, keyed by the order id; a plan on each {@code subscription.paid},
 * keyed by subscription and period start ({@link CreemSubscriptions}). The product is Creem's
 * product id mapped through the catalogue, never inferred from the amount. Refunds and disputes are
 * {@link CreemRefundsAndDisputes}'s.
 */
@Component
public class CreemEvents implements EventHandler {

    private final JsonMapper json;
    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final Purchases purchases;
    private final CreemSubscriptions subscriptions;
    private final SubscriptionStore subscriptionStore;
    private final CreemRefundsAndDisputes refunds;
    private final CheckoutStore checkouts;
    private final OpenedCheckouts openedCheckouts;
    private final CreemRenewalTransaction renewalTransaction;
    private final Clock clock;

    CreemEvents(
            JsonMapper json,
            ProductCatalog catalog,
            Buyers buyers,
            Purchases purchases,
            CreemSubscriptions subscriptions,
            SubscriptionStore subscriptionStore,
            CreemRefundsAndDisputes refunds,
            CheckoutStore checkouts,
            OpenedCheckouts openedCheckouts,
            CreemRenewalTransaction renewalTransaction,
            Clock clock) {
        this.json = json;
        this.catalog = catalog;
        this.buyers = buyers;
        this.purchases = purchases;
        this.subscriptions = subscriptions;
        this.subscriptionStore = subscriptionStore;
        this.refunds = refunds;
        this.checkouts = checkouts;
        this.openedCheckouts = openedCheckouts;
        this.renewalTransaction = renewalTransaction;
        this.clock = clock;
    }

    /** Every Creem event type handled, and how; any other type is acknowledged and ignored. */
    static final Map<String, EventKind<CreemEvents>> KINDS = Map.ofEntries(
            entry("checkout.completed", CreemEvents::checkoutCompleted),
            entry("subscription.paid", (self, sub, at) -> self.subscriptions.paid(sub, at)),
            entry("subscription.active", (self, sub, at) -> self.subscriptions.reportedStatus(sub, at)),
            entry("subscription.update", (self, sub, at) -> self.subscriptions.reportedStatus(sub, at)),
            status("trialing"),
            status("past_due"),
            status("unpaid"),
            status("expired"),
            status("paused"),
            status("scheduled_cancel"),
            status("canceled"),
            entry("refund.created", (self, refund, at) -> self.refunds.refund(refund, at)),
            entry("dispute.created", (self, dispute, at) -> self.refunds.disputeCreated(dispute, at)));

    /** {@code subscription.<status>}: the status is the event type's own word. */
    private static Map.Entry<String, EventKind<CreemEvents>> status(String status) {
        return entry("subscription." + status, (self, sub, at) -> self.subscriptions.status(sub, status, at));
    }

    @Override
    public String provider() {
        return "creem";
    }

    /** Creem's envelope: the object under {@code object}, the time in epoch milliseconds. */
    static final EventEnvelope ENVELOPE = new EventEnvelope(
            root -> root.path("object"),
            root -> Optional.ofNullable(Json.number(root, "created_at")).map(Instant::ofEpochMilli));

    @Override
    public Outcome handle(PaymentEventStore.Stored event) {
        return ENVELOPE.dispatch(this, KINDS, json, event, clock);
    }

    /** A {@code subscription.paid} naming its transaction by id only: that transaction, read from Creem. */
    @Override
    public Optional<JsonNode> fetchNamed(PaymentEventStore.Stored event) {
        return renewalTransaction.fetch(event);
    }

    /** The event, its subscription given the transaction {@link #fetchNamed} read when it named it by id only. */
    @Override
    public Outcome handle(PaymentEventStore.Stored event, Screened screened) {
        return handle(
                screened.fetched().map(t -> renewalTransaction.with(event, t)).orElse(event));
    }

    private Outcome checkoutCompleted(JsonNode obj, Instant at) {
        String orderStatus = Json.text(obj, "order", "status");
        if (orderStatus != null && !"paid".equals(orderStatus)) {
            return new Outcome.Ignored("order is " + orderStatus + ", not paid");
        }
        Optional<CheckoutStore.Checkout> opened = openedCheckouts.completedBy(obj);
        if (opened.isEmpty()) {
            // whatever user or product its metadata names: see OpenedCheckouts
            return new Outcome.Ignored("checkout " + Json.text(obj, "id") + " (request_id "
                    + Json.text(obj, "request_id")
                    + ") was not opened by renderbank (another application on the Creem store, a payment link?):"
                    + " nothing granted");
        }
        Optional<Product> product = product(catalog, obj);
        if (product.isEmpty()) {
            return unknownProduct(obj);
        }
        String claimed = opened.get().product();
        if (!claimed.equals(product.get().id())) {
            return productMismatch(obj, claimed, product.get());
        }
        // What the checkout offered when it was opened, not what the catalogue says now.
        Product p = opened.get().offered(product.get());
        Optional<Long> user = buyers.known(opened.get().userId());
        if (user.isEmpty()) {
            return new Outcome.Unprocessable("unknown user " + opened.get().userId() + " (checkout "
                    + opened.get().id() + ")");
        }
        checkouts.complete(opened.get().id());
        String requestId = Json.text(obj, "request_id");
        if (p.isPlan()) {
            String subId = Json.id(obj, "subscription");
            if (subId == null) {
                return new Outcome.Unprocessable("plan checkout without a subscription");
            }
            subscriptionStore.ensure("creem", subId, user.get(), p.id(), "active", at, clock.instant());
            return new Outcome.Processed("subscription " + subId + " recorded; credits come with subscription.paid");
        }
        String orderId = Json.id(obj, "order");
        if (orderId == null) {
            return new Outcome.Unprocessable("checkout without an order id");
        }
        // What was paid, tax included, when Creem says so (order.amount is before tax).
        Long amount = Optional.ofNullable(Json.number(obj, "order", "amount_paid"))
                .orElse(Json.number(obj, "order", "amount"));
        String currency = Json.text(obj, "order", "currency");
        var charge = new Purchases.Charge(
                "creem",
                user.get(),
                p,
                amount != null ? amount : p.priceMinor(),
                currency != null ? currency.toUpperCase(Locale.ROOT) : p.currency(),
                List.of(orderId, Optional.ofNullable(Json.text(obj, "id")).orElse(""), nz(requestId)));
        return purchases.pack(charge, packKey(orderId));
    }

    /** The key a pack's purchase is recorded under: Creem's order id, whichever copy of its checkout arrives. */
    static String packKey(String orderId) {
        return "creem:order:" + orderId;
    }

    /**
     * A paid checkout of a Creem product that no pack or plan of the catalogue names as its {@code
     * creem-product-id} (not configured, or configured with another id). Nothing can be granted until
     * an operator configures it (the catalogue is read at start), and retrying alone never changes
     * that, so it waits like a refund of an unknown order ({@link CreemRefundsAndDisputes}): retried
     * through the backoff schedule once, then kept FAILED for an operator, no longer retried, and the
     * operators told once ({@link Outcome.Unprocessable#bounded}). The error names the Creem product id
     * to configure and the product renderbank opened the checkout for (its metadata), so the catalogue
     * can be fixed and the event reprocessed; the purchase is keyed by its order, so that grants once.
     */
    private Outcome unknownProduct(JsonNode obj) {
        String creemId = creemProductId(obj);
        String claimed = Json.text(obj, "metadata", "product");
        String openedFor = claimed == null
                ? ""
                : " (renderbank opened the checkout for " + claimed
                        + catalog.product(claimed)
                                .map(p -> ", whose creem-product-id is " + p.creemProductId())
                                .orElse(", which the catalogue does not have either")
                        + ")";
        return new Outcome.Unprocessable(
                "unknown product " + creemId + ": checkout " + Json.text(obj, "id") + " of order "
                        + Json.id(obj, "order") + " paid for Creem product " + creemId
                        + ", which no pack or plan of renderbank.catalog has as its creem-product-id or among its"
                        + " creem-earlier-product-ids" + openedFor
                        + "; nothing was granted. Set renderbank.catalog.packs.<id>.creem-product-id (or"
                        + " plans.<id>) to " + creemId + " (or, if the product was sold as " + creemId
                        + " before it moved to another Creem product, add it to the product's"
                        + " creem-earlier-product-ids), restart, then reprocess this event: it grants once",
                true);
    }

    /**
     * A paid checkout of a Creem product the catalogue maps to another product than the one renderbank
     * opened the checkout for (its metadata): two products' {@code creem-product-id} swapped in the
     * configuration, or a checkout link edited at Creem. Which was meant only an operator can tell, and
     * retrying never changes it, so nothing is granted and it waits like {@link #unknownProduct}.
     */
    private Outcome productMismatch(JsonNode obj, String claimed, Product paid) {
        String creemId = creemProductId(obj);
        String openedFor = catalog.product(claimed)
                .map(p -> claimed + " (creem-product-id " + p.creemProductId() + ")")
                .orElse(claimed + " (which the catalogue does not have)");
        return new Outcome.Unprocessable(
                "checkout opened for " + claimed + " but Creem product is " + paid.id() + ": checkout "
                        + Json.text(obj, "id") + " of order " + Json.id(obj, "order") + " paid for Creem product "
                        + creemId + ", which renderbank.catalog maps to " + paid.id()
                        + ", but renderbank opened it for " + openedFor
                        + "; nothing was granted. If the configuration is wrong, fix the products' creem-product-id,"
                        + " restart and reprocess this event (it grants once); otherwise check the order in Creem's"
                        + " dashboard and settle it with the buyer",
                true);
    }

    static Optional<Product> product(ProductCatalog catalog, JsonNode obj) {
        String id = creemProductId(obj);
        return id == null ? Optional.empty() : catalog.byCreemProductId(id);
    }

    static String creemProductId(JsonNode obj) {
        String id = Json.id(obj, "product");
        return id != null ? id : Json.text(obj, "order", "product");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
