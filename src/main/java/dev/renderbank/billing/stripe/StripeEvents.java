package dev.renderbank.billing.stripe;

import static dev.renderbank.billing.stripe.StripeDisputes.disputeRefs;
import static java.util.Map.entry;

import dev.renderbank.billing.core.EventEnvelope;
import dev.renderbank.billing.core.EventHandler;
import dev.renderbank.billing.core.EventKind;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.PaymentTestMode;
import dev.renderbank.billing.core.RefundTotals;
import dev.renderbank.billing.db.PaymentEventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
 * period start ({@link StripeInvoices}). Sessions are read by {@link StripeSessions}, disputes by
 * {@link StripeDisputes}, a plan's first payment that fails by {@link StripeFirstPayments}. Under {@code prod} an event Stripe marks {@code "livemode": false} grants
 * nothing unless test mode is allowed ({@link PaymentTestMode}).
 */
@Component
class StripeEvents implements EventHandler {

    private final JsonMapper json;
    private final StripeSessions sessions;
    private final StripeInvoices invoices;
    private final StripeFirstPayments firstPayments;
    private final StripeDisputes disputes;
    private final RefundTotals refundTotals;
    private final StripeRefunds stripeRefunds;
    private final StripeSubscriptions subscriptions;
    private final Clock clock;
    private final PaymentTestMode testMode;
    private final StripeForeignCharges foreign;

    StripeEvents(
            JsonMapper json,
            StripeSessions sessions,
            StripeInvoices invoices,
            StripeFirstPayments firstPayments,
            StripeDisputes disputes,
            RefundTotals refundTotals,
            StripeRefunds stripeRefunds,
            StripeSubscriptions subscriptions,
            Clock clock,
            PaymentTestMode testMode,
            StripeForeignCharges foreign) {
        this.json = json;
        this.sessions = sessions;
        this.invoices = invoices;
        this.firstPayments = firstPayments;
        this.disputes = disputes;
        this.refundTotals = refundTotals;
        this.stripeRefunds = stripeRefunds;
        this.subscriptions = subscriptions;
        this.clock = clock;
        this.testMode = testMode;
        this.foreign = foreign;
    }

    /**
     * Every Stripe event type handled, and how; any other type is acknowledged and ignored. The
     * README lists these as the ones to subscribe to.
     */
    static final Map<String, EventKind<StripeEvents>> KINDS = Map.ofEntries(
            entry("checkout.session.completed", (self, session, at) -> self.sessions.session(session, at)),
            entry(
                    "checkout.session.async_payment_succeeded",
                    (self, session, at) -> self.sessions.session(session, at)),
            entry(
                    "checkout.session.async_payment_failed",
                    (self, session, at) -> self.sessions.session(session, at, true)),
            entry("invoice.paid", (self, invoice, at) -> self.invoices.paid(invoice)),
            entry("invoice.payment_failed", (self, invoice, at) -> self.firstPayments.invoiceFailed(invoice, at)),
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
            entry("charge.dispute.created", (self, dispute, at) -> self.disputes.disputeChanged(dispute, at)),
            entry("charge.dispute.updated", (self, dispute, at) -> self.disputes.disputeChanged(dispute, at)),
            entry("charge.dispute.funds_withdrawn", (self, dispute, at) -> self.disputes.fundsWithdrawn(dispute, at)),
            entry("charge.dispute.closed", (self, dispute, at) -> self.disputes.disputeClosed(dispute, at)));

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

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
