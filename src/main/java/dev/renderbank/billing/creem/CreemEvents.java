package dev.renderbank.billing.creem;

import static java.util.Map.entry;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.core.Buyers;
import dev.renderbank.billing.core.Disputes;
import dev.renderbank.billing.core.EventEnvelope;
import dev.renderbank.billing.core.EventHandler;
import dev.renderbank.billing.core.EventKind;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
 * product id mapped through the catalogue, never inferred from the amount.
 */
@Component
public class CreemEvents implements EventHandler {

    private final JsonMapper json;
    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final Purchases purchases;
    private final CreemSubscriptions subscriptions;
    private final SubscriptionStore subscriptionStore;
    private final Disputes disputes;
    private final CheckoutStore checkouts;
    private final PurchaseRefStore purchaseRefs;
    private final OpenedCheckouts openedCheckouts;
    private final Clock clock;

    CreemEvents(
            JsonMapper json,
            ProductCatalog catalog,
            Buyers buyers,
            Purchases purchases,
            CreemSubscriptions subscriptions,
            SubscriptionStore subscriptionStore,
            Disputes disputes,
            CheckoutStore checkouts,
            PurchaseRefStore purchaseRefs,
            OpenedCheckouts openedCheckouts,
            Clock clock) {
        this.json = json;
        this.catalog = catalog;
        this.buyers = buyers;
        this.purchases = purchases;
        this.subscriptions = subscriptions;
        this.subscriptionStore = subscriptionStore;
        this.disputes = disputes;
        this.checkouts = checkouts;
        this.purchaseRefs = purchaseRefs;
        this.openedCheckouts = openedCheckouts;
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
            entry("refund.created", CreemEvents::refund),
            entry("dispute.created", CreemEvents::disputeCreated));

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
     * A refund: only a succeeded one takes credits back (pending, canceled and failed ones move no
     * money). {@code refund_amount} includes tax, like the transaction's {@code amount_paid} it is a
     * part of, so the fraction refunded is measured against that, not the pre-tax order amount.
     */
    private Outcome refund(JsonNode refund, Instant at) {
        String refundId = Json.text(refund, "id");
        Long amount = Json.number(refund, "refund_amount");
        if (refundId == null || amount == null || amount <= 0) {
            return new Outcome.Unprocessable("refund without id or refund_amount");
        }
        String status = Json.text(refund, "status");
        if (!"succeeded".equals(status)) {
            // Creem's docs (docs.creem.io, "Refunds and Cancellations" and the webhook event types, read
            // 2026-12-13) name one refund event, refund.created, "fired when a refund is processed":
            // "Refunds are processed immediately", and its sample says succeeded. The refund object's
            // type allows pending, canceled and failed too, but no documented event (no refund.updated)
            // announces a refund again once it settles. So a refund that is not succeeded moves nothing
            // and is recorded nowhere under its id: should Creem announce the same refund later as
            // succeeded (another event id), that one takes its share, once (the refund id is the key);
            // a failed or canceled one never does. A pending refund never announced again is what
            // reconciliation finds: the transaction's refunded_amount above what is recorded here.
            return new Outcome.Ignored("refund " + refundId + " is " + status + ", not succeeded");
        }
        List<String> refs = refs(refund);
        Optional<Outcome> wait = renewalNotRecordedYet("refund " + refundId, refs)
                .or(() -> orderNotRecorded("refund " + refundId, refs));
        if (wait.isPresent()) {
            return wait.get();
        }
        return purchases.refund("creem", refundId, refs, new Purchases.Refunded.ThisRefund(amount), paidOf(refund));
    }

    private Outcome disputeCreated(JsonNode dispute, Instant at) {
        String disputeId = Json.text(dispute, "id");
        if (disputeId == null) {
            return new Outcome.Unprocessable("dispute without id");
        }
        List<String> refs = refs(dispute);
        Optional<Outcome> wait = renewalNotRecordedYet("dispute " + disputeId, refs)
                .or(() -> orderNotRecorded("dispute " + disputeId, refs));
        if (wait.isPresent()) {
            return wait.get();
        }
        return disputes.opened("creem", disputeId, refs, Json.number(dispute, "amount"), paidOf(dispute));
    }

    /**
     * A refund or dispute of a renewal whose {@code subscription.paid} is not recorded yet names the
     * renewal's transaction (unknown here) and the order every period of the subscription shares, so
     * through the order it would land on an earlier period: the wrong month taken back, or nothing
     * if that month was refunded already, while the renewal's late grant stayed whole. When the
     * period the order finds records a transaction of its own that this one is not, it waits
     * (unprocessable, retried) until the renewal is recorded under its transaction.
     */
    private Optional<Outcome> renewalNotRecordedYet(String what, List<String> refs) {
        String transaction = refs.get(0);
        if (transaction.isEmpty()
                || purchaseRefs.purchaseOf("creem", List.of(transaction)).isPresent()) {
            return Optional.empty();
        }
        return purchaseRefs
                .purchaseOf("creem", refs)
                .filter(id -> purchaseRefs.recordsOtherIds("creem", id, Purchases.periodKeyPrefix("creem"), refs))
                .map(id -> new Outcome.Unprocessable(what + " names transaction " + transaction
                        + ", not recorded yet, and a subscription period that records another: waiting for the"
                        + " period it belongs to"));
    }

    /**
     * A refund or dispute naming no purchase renderbank recorded. Its order's own webhook may come
     * late or be failing itself (an unknown product or user an operator fixes), so it waits: retried
     * through the backoff schedule (about 8 hours, well past Creem's own redelivery, 30 s to 1 h). A
     * Creem store can have several webhook endpoints and its events name no application, and the
     * event names no product, so whether the order is another application's, one from before
     * renderbank, or renderbank's with its purchase lost cannot be told here: after that wait it is
     * kept FAILED for an operator, no longer retried, and the operators are told once ({@link
     * Outcome.Unprocessable#bounded}).
     */
    private Optional<Outcome> orderNotRecorded(String what, List<String> refs) {
        if (purchaseRefs.purchaseOf("creem", refs).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new Outcome.Unprocessable(
                what + " names no known purchase " + refs
                        + ": waiting for its order's checkout.completed or subscription.paid; if none comes,"
                        + " check the order in Creem's dashboard: renderbank's (its purchase lost)? record it"
                        + " (reconciliation's repair) and reprocess this event; another application's or one"
                        + " from before renderbank? nothing moved, nothing to do",
                true));
    }

    /**
     * A paid checkout of a Creem product that no pack or plan of the catalogue names as its {@code
     * creem-product-id} (not configured, or configured with another id). Nothing can be granted until
     * an operator configures it (the catalogue is read at start), and retrying alone never changes
     * that, so it waits like a refund of an unknown order ({@link #orderNotRecorded}): retried
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

    /** What the refunded or disputed charge paid, tax included, when the event says so. */
    private static Long paidOf(JsonNode obj) {
        return Optional.ofNullable(Json.number(obj, "transaction", "amount_paid"))
                .orElse(Json.number(obj, "order", "amount_paid"));
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
