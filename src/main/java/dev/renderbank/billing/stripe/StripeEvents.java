package dev.renderbank.billing.stripe;

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
import dev.renderbank.billing.core.PaymentTestMode;
import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.core.RefundTotals;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe events, read from the raw JSON (older and newer API versions: invoice subscription and
 * price ids moved under {@code parent} and {@code pricing} in 2025). A pack is granted on a paid
 * Checkout Session keyed by the session id; a plan on each paid invoice keyed by subscription and
 * period start ({@link StripeInvoices}). Under {@code prod} an event Stripe marks {@code "livemode":
 * false} grants nothing unless test mode is allowed ({@link PaymentTestMode}).
 */
@Component
class StripeEvents implements EventHandler {

    private final JsonMapper json;
    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final Purchases purchases;
    private final StripeInvoices invoices;
    private final Disputes disputes;
    private final RefundTotals refundTotals;
    private final StripeRefunds stripeRefunds;
    private final SubscriptionStore subscriptionStore;
    private final StripeSubscriptions subscriptions;
    private final CheckoutStore checkouts;
    private final Clock clock;
    private final PaymentTestMode testMode;
    private final StripeForeignCharges foreign;

    StripeEvents(
            JsonMapper json,
            ProductCatalog catalog,
            Buyers buyers,
            Purchases purchases,
            StripeInvoices invoices,
            Disputes disputes,
            RefundTotals refundTotals,
            StripeRefunds stripeRefunds,
            SubscriptionStore subscriptionStore,
            StripeSubscriptions subscriptions,
            CheckoutStore checkouts,
            Clock clock,
            PaymentTestMode testMode,
            StripeForeignCharges foreign) {
        this.json = json;
        this.catalog = catalog;
        this.buyers = buyers;
        this.purchases = purchases;
        this.invoices = invoices;
        this.disputes = disputes;
        this.refundTotals = refundTotals;
        this.stripeRefunds = stripeRefunds;
        this.subscriptionStore = subscriptionStore;
        this.subscriptions = subscriptions;
        this.checkouts = checkouts;
        this.clock = clock;
        this.testMode = testMode;
        this.foreign = foreign;
    }

    /**
     * Every Stripe event type handled, and how; any other type is acknowledged and ignored. The
     * README lists these as the ones to subscribe to.
     */
    static final Map<String, EventKind<StripeEvents>> KINDS = Map.ofEntries(
            entry("checkout.session.completed", StripeEvents::session),
            entry("checkout.session.async_payment_succeeded", StripeEvents::session),
            entry("invoice.paid", (self, invoice, at) -> self.invoices.paid(invoice)),
            entry("invoice_payment.paid", (self, payment, at) -> self.invoices.paymentPaid(payment)),
            entry("customer.subscription.created", (self, sub, at) -> self.subscriptions.status(sub, at, false)),
            entry("customer.subscription.updated", (self, sub, at) -> self.subscriptions.status(sub, at, false)),
            entry("customer.subscription.resumed", (self, sub, at) -> self.subscriptions.status(sub, at, false)),
            entry("customer.subscription.paused", (self, sub, at) -> self.subscriptions.status(sub, at, false)),
            entry("customer.subscription.deleted", (self, sub, at) -> self.subscriptions.status(sub, at, true)),
            entry("charge.refunded", (self, charge, at) -> self.refund(charge, Optional.empty())),
            entry("charge.refund.updated", (self, refund, at) -> self.refundChanged(refund, Optional.empty())),
            entry("refund.updated", (self, refund, at) -> self.refundChanged(refund, Optional.empty())),
            entry("refund.failed", (self, refund, at) -> self.refundChanged(refund, Optional.empty())),
            entry("charge.dispute.created", StripeEvents::disputeChanged),
            entry("charge.dispute.updated", StripeEvents::disputeChanged),
            entry("charge.dispute.funds_withdrawn", StripeEvents::fundsWithdrawn),
            entry("charge.dispute.closed", StripeEvents::disputeClosed));

    /** The event types to subscribe to at Stripe. */
    static final Set<String> SUBSCRIBED = KINDS.keySet();

    @Override
    public String provider() {
        return "stripe";
    }

    /** Stripe's envelope: the object under {@code data.object}, the time in epoch seconds. */
    static final EventEnvelope ENVELOPE = new EventEnvelope(
            root -> root.path("data").path("object"),
            root -> Optional.ofNullable(Json.number(root, "created")).map(Instant::ofEpochSecond));

    /**
     * The refund types, measured by the charge's refunded total as Stripe reports it ({@link
     * RefundTotals}): that total is asked before the event's transaction ({@link #askRefundTotal})
     * and handed in here.
     */
    private interface RefundKind {
        Outcome handle(StripeEvents self, JsonNode object, Optional<RefundTotals.Asked> asked);
    }

    private static final Map<String, RefundKind> REFUND_KINDS = Map.of(
            "charge.refunded", StripeEvents::refund,
            "charge.refund.updated", StripeEvents::refundChanged,
            "refund.updated", StripeEvents::refundChanged,
            "refund.failed", StripeEvents::refundChanged);

    @Override
    public Outcome handle(PaymentEventStore.Stored event) {
        return handle(event, Optional.empty());
    }

    @Override
    public Outcome handle(PaymentEventStore.Stored event, Optional<RefundTotals.Asked> refundTotal) {
        if (testMode.refused() && testModeEvent(event.payload())) {
            return new Outcome.Ignored(
                    "a test-mode event (livemode false) grants nothing under prod without " + PaymentTestMode.ALLOW);
        }
        RefundKind refund = REFUND_KINDS.get(event.type());
        Map<String, EventKind<StripeEvents>> kinds = refund == null
                ? KINDS
                : Map.of(event.type(), (self, object, at) -> refund.handle(self, object, refundTotal));
        return ENVELOPE.dispatch(this, kinds, json, event, clock);
    }

    /**
     * A refund of a charge whose purchase is recorded here: the charge's refunded total as Stripe's
     * API reports it now, asked before the event's transaction opens (a slow Stripe holds nothing of
     * the event meanwhile); without an API key, the charge {@code charge.refunded} carries stands in
     * ({@link StripeRefunds#chargeNow}).
     */
    @Override
    public Optional<RefundTotals.Asked> askRefundTotal(PaymentEventStore.Stored event) {
        if (!REFUND_KINDS.containsKey(event.type()) || (testMode.refused() && testModeEvent(event.payload()))) {
            return Optional.empty();
        }
        JsonNode object;
        try {
            object = ENVELOPE.object().apply(json.readTree(event.payload()));
        } catch (JacksonException e) {
            return Optional.empty(); // refused as unprocessable in the transaction
        }
        JsonNode fromEvent = "charge.refunded".equals(event.type()) ? object : null;
        return CHARGES.get(event.type())
                .apply(object)
                .flatMap(c ->
                        refundTotals.ask("stripe", c.refs(), () -> stripeRefunds.chargeNow(c.chargeId(), fromEvent)));
    }

    /**
     * The refund and dispute types whose charge may be another application's, and the charge's ids
     * each object names: asked of Stripe's API before the event's transaction ({@link #screen}).
     */
    private static final Map<String, java.util.function.Function<JsonNode, Optional<ChargeOf>>> CHARGES = Map.ofEntries(
            entry("charge.refunded", StripeEvents::refundedCharge),
            entry("charge.refund.updated", StripeEvents::changedRefund),
            entry("refund.updated", StripeEvents::changedRefund),
            entry("refund.failed", StripeEvents::changedRefund),
            entry("charge.dispute.created", StripeEvents::disputedCharge),
            entry("charge.dispute.updated", StripeEvents::disputedCharge),
            entry("charge.dispute.funds_withdrawn", StripeEvents::disputedCharge),
            entry("charge.dispute.closed", StripeEvents::disputedCharge));

    /** What a refund or dispute event names of its charge, for {@link StripeForeignCharges}. */
    private record ChargeOf(String what, String chargeId, String paymentIntent, List<String> refs, String disputeId) {}

    /**
     * A refund or dispute of another application's charge is ignored on Stripe's word, asked here,
     * before the event's transaction opens ({@link StripeForeignCharges}): Stripe may be slow, and
     * nothing of the event may be held meanwhile. The answer cannot change later (a charge's checkout
     * or subscription stays whose it is), so the transaction does not ask again.
     */
    @Override
    public Optional<Outcome.Ignored> screen(PaymentEventStore.Stored event) {
        var charge = CHARGES.get(event.type());
        if (charge == null || (testMode.refused() && testModeEvent(event.payload()))) {
            return Optional.empty();
        }
        JsonNode object;
        try {
            object = ENVELOPE.object().apply(json.readTree(event.payload()));
        } catch (JacksonException e) {
            return Optional.empty(); // refused as unprocessable in the transaction
        }
        return charge.apply(object)
                .flatMap(c ->
                        foreign.ignoredIfForeign(c.what(), c.chargeId(), c.paymentIntent(), c.refs(), c.disputeId()));
    }

    private static Optional<ChargeOf> refundedCharge(JsonNode charge) {
        String chargeId = Json.text(charge, "id");
        if (chargeId == null || Json.number(charge, "amount_refunded") == null) {
            return Optional.empty();
        }
        String pi = Json.id(charge, "payment_intent");
        return Optional.of(new ChargeOf("refund", chargeId, pi, refundRefs(chargeId, pi, charge), null));
    }

    private static Optional<ChargeOf> changedRefund(JsonNode refund) {
        String chargeId = Json.id(refund, "charge");
        if (chargeId == null) {
            return Optional.empty();
        }
        String pi = Json.id(refund, "payment_intent");
        return Optional.of(
                new ChargeOf("refund " + Json.text(refund, "id"), chargeId, pi, List.of(chargeId, nz(pi)), null));
    }

    private static Optional<ChargeOf> disputedCharge(JsonNode dispute) {
        String disputeId = Json.text(dispute, "id");
        if (disputeId == null) {
            return Optional.empty();
        }
        return Optional.of(new ChargeOf(
                "dispute " + disputeId,
                Json.id(dispute, "charge"),
                Json.id(dispute, "payment_intent"),
                disputeRefs(dispute),
                disputeId));
    }

    private static List<String> refundRefs(String chargeId, String pi, JsonNode charge) {
        return List.of(chargeId, nz(pi), nz(Json.id(charge, "invoice")));
    }

    /** Stripe's own mark on the event; an unreadable payload is left to the envelope to refuse. */
    private boolean testModeEvent(String payload) {
        try {
            JsonNode livemode = json.readTree(payload).path("livemode");
            return livemode.isBoolean() && !livemode.booleanValue();
        } catch (JacksonException e) {
            return false;
        }
    }

    private Outcome session(JsonNode s, Instant at) {
        String sessionId = Json.text(s, "id");
        String paymentStatus = Json.text(s, "payment_status");
        String mode = Json.text(s, "mode");
        if (sessionId == null) {
            return new Outcome.Unprocessable("checkout session without id");
        }
        // Only a session renderbank opened grants anything, for the user and product it was opened
        // for: the account may be shared with other applications, and metadata alone is anyone's.
        Optional<CheckoutStore.Checkout> opened = checkouts.byProviderRef("stripe", sessionId);
        if (opened.isEmpty()) {
            return new Outcome.Ignored("checkout session " + sessionId
                    + " was not opened by renderbank (another application on the Stripe account?): nothing granted");
        }
        Optional<Product> product = catalog.product(opened.get().product());
        if (product.isEmpty()) {
            // The checkout was opened for a product the catalogue no longer has (removed or renamed
            // since): only an operator can bring it back, so it waits like an unknown plan's invoice.
            return new Outcome.Unprocessable(
                    "unknown product " + opened.get().product() + ": checkout session " + sessionId
                            + " was opened for it, but renderbank.catalog no longer has it; nothing was granted."
                            + " Configure it again (renderbank.catalog.packs.<id> or plans.<id>), restart, then"
                            + " reprocess this event: it grants once",
                    true);
        }
        Optional<Long> user = buyers.find(Long.toString(opened.get().userId()), null, null);
        if (user.isEmpty()) {
            return new Outcome.Unprocessable(
                    "unknown user " + opened.get().userId() + " of checkout session " + sessionId);
        }
        // What the checkout offered when it was opened, not what the catalogue says now.
        Product p = opened.get().offered(product.get());
        String checkoutId = opened.get().id();
        if ("subscription".equals(mode)) {
            String subId = Json.id(s, "subscription");
            if (subId == null || !p.isPlan()) {
                return new Outcome.Unprocessable("subscription session without a subscription or plan");
            }
            subscriptionStore.ensure("stripe", subId, user.get(), p.id(), "active", at, clock.instant());
            checkouts.complete(checkoutId);
            return new Outcome.Processed("subscription " + subId + " recorded; credits come with invoice.paid");
        }
        // no_payment_required: a promotion code paid all of it (amount_total 0); still a purchase.
        if (!"paid".equals(paymentStatus) && !"no_payment_required".equals(paymentStatus)) {
            return new Outcome.Ignored("session " + sessionId + " is " + paymentStatus + ", not paid");
        }
        if (p.isPlan()) {
            return new Outcome.Unprocessable("one-time session for plan " + p.id());
        }
        checkouts.complete(checkoutId);
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

    /**
     * A charge with a refund: its refunded total as Stripe reported it before the transaction ({@link
     * #askRefundTotal}; the event's copy may be stale).
     */
    private Outcome refund(JsonNode charge, Optional<RefundTotals.Asked> asked) {
        String chargeId = Json.text(charge, "id");
        if (chargeId == null || Json.number(charge, "amount_refunded") == null) {
            return new Outcome.Unprocessable("charge without id or amount_refunded");
        }
        List<String> refs = refundRefs(chargeId, Json.id(charge, "payment_intent"), charge);
        return refundTotals.sync("stripe", chargeId, refs, asked);
    }

    /**
     * A refund that changed (failed, canceled, succeeded): the Refund object names its charge but not
     * the charge's refunded total, so that is read from Stripe (before the transaction, {@link
     * #askRefundTotal}).
     */
    private Outcome refundChanged(JsonNode refund, Optional<RefundTotals.Asked> asked) {
        String chargeId = Json.id(refund, "charge");
        if (chargeId == null) {
            return new Outcome.Unprocessable("refund " + Json.text(refund, "id") + " names no charge");
        }
        List<String> refs = List.of(chargeId, nz(Json.id(refund, "payment_intent")));
        return refundTotals.sync("stripe", chargeId, refs, asked);
    }

    /**
     * A dispute created or updated: an inquiry ({@code warning_*}) is recorded and takes nothing; a
     * chargeback status takes the share, once (an inquiry recorded before becomes the dispute); a
     * final status is handled as its closing.
     */
    private Outcome disputeChanged(JsonNode dispute, Instant at) {
        String disputeId = Json.text(dispute, "id");
        if (disputeId == null) {
            return new Outcome.Unprocessable("dispute without id");
        }
        String status = Json.text(dispute, "status");
        Optional<Disputes.Ending> ending = ending(status);
        if (ending.isPresent()) {
            return disputes.closed(
                    "stripe", disputeId, disputeRefs(dispute), ending.get(), Json.number(dispute, "amount"), null);
        }
        if (isInquiry(status)) {
            return disputes.inquiry("stripe", disputeId, disputeRefs(dispute));
        }
        return disputes.opened("stripe", disputeId, disputeRefs(dispute), Json.number(dispute, "amount"), null);
    }

    /**
     * Funds withdrawn for a dispute: a chargeback, whatever status the event's copy shows (an
     * inquiry escalated); its share is taken once, like its opening's.
     */
    private Outcome fundsWithdrawn(JsonNode dispute, Instant at) {
        String disputeId = Json.text(dispute, "id");
        if (disputeId == null) {
            return new Outcome.Unprocessable("dispute without id");
        }
        return disputes.opened("stripe", disputeId, disputeRefs(dispute), Json.number(dispute, "amount"), null);
    }

    private Outcome disputeClosed(JsonNode dispute, Instant at) {
        String disputeId = Json.text(dispute, "id");
        if (disputeId == null) {
            return new Outcome.Unprocessable("dispute without id");
        }
        // A closing in a status not known here counts as lost, as it always did: the charge stays taken.
        Disputes.Ending ending = ending(Json.text(dispute, "status")).orElse(Disputes.Ending.LOST);
        return disputes.closed("stripe", disputeId, disputeRefs(dispute), ending, Json.number(dispute, "amount"), null);
    }

    /** Stripe's inquiry statuses (a retrieval request before any chargeback: no funds move). */
    static boolean isInquiry(String status) {
        return "warning_needs_response".equals(status) || "warning_under_review".equals(status);
    }

    /** How a dispute in {@code status} ended; empty while it has not. */
    static Optional<Disputes.Ending> ending(String status) {
        if ("won".equals(status)) {
            return Optional.of(Disputes.Ending.WON);
        }
        if ("lost".equals(status)) {
            return Optional.of(Disputes.Ending.LOST);
        }
        if ("warning_closed".equals(status) || "prevented".equals(status)) {
            // An inquiry closed without a chargeback, or a dispute Stripe's dispute prevention stopped
            // before it became one (API 2025-08-27): no funds were withdrawn. Money a prevention gave
            // back to the customer (a resolution) comes as a refund, measured like any other.
            return Optional.of(Disputes.Ending.INQUIRY_CLOSED);
        }
        return Optional.empty();
    }

    private static List<String> disputeRefs(JsonNode dispute) {
        return List.of(nz(Json.id(dispute, "charge")), nz(Json.id(dispute, "payment_intent")));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
