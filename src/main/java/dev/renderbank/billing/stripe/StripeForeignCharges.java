package dev.renderbank.billing.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeObject;
import com.stripe.param.InvoicePaymentListParams;
import com.stripe.param.checkout.SessionListParams;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.PurchaseRefStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells a refund or dispute of another application's charge (the Stripe account may be shared) from
 * one of renderbank's whose purchase is not recorded yet (Stripe does not order webhooks). Asked
 * only when no purchase here names the charge: Stripe says what the charge's payment intent was paid
 * for, a Checkout Session (its own, or its subscription's) or an invoice of a subscription, and that
 * is renderbank's only if renderbank opened that session or recorded that subscription (their stored
 * ids). A payment intent tied to neither, or to another's session or subscription, is foreign: its
 * events are ignored. One of renderbank's keeps waiting for its purchase (retried as before), and so
 * does every event while Stripe cannot be asked (no API key, Stripe unreachable): an event is
 * ignored only on Stripe's word. It is asked before the event's transaction opens ({@code
 * StripeEvents#screen}): its reads of the database are single statements, and no connection is
 * held while Stripe answers.
 */
@Component
class StripeForeignCharges {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final StripeClients clients;
    private final PurchaseRefStore refs;
    private final DisputeStore disputes;
    private final CheckoutStore checkouts;
    private final SubscriptionStore subscriptions;

    StripeForeignCharges(
            StripeClients clients,
            PurchaseRefStore refs,
            DisputeStore disputes,
            CheckoutStore checkouts,
            SubscriptionStore subscriptions) {
        this.clients = clients;
        this.refs = refs;
        this.disputes = disputes;
        this.checkouts = checkouts;
        this.subscriptions = subscriptions;
    }

    /**
     * Ignored when the event's charge is another application's: no purchase here is named by {@code
     * chargeRefs}, no dispute {@code disputeId} (null for a refund) is recorded, and Stripe ties
     * {@code paymentIntent} to nothing renderbank opened. Empty: handle it as usual.
     */
    Optional<Outcome.Ignored> ignoredIfForeign(
            String what, String chargeId, String paymentIntent, List<String> chargeRefs, String disputeId) {
        if (!clients.configured()
                || refs.purchaseOf("stripe", chargeRefs).isPresent()
                || (disputeId != null && disputes.find("stripe", disputeId).isPresent())) {
            return Optional.empty();
        }
        String pi = paymentIntent;
        if ((pi == null || pi.isBlank()) && chargeId != null && !chargeId.isBlank()) {
            Optional<JsonNode> charge = charge(chargeId);
            if (charge.isEmpty()) {
                return Optional.empty(); // Stripe has no such charge: no word on whose it is
            }
            pi = Json.id(charge.get(), "payment_intent");
            if (pi == null) {
                return Optional.of(new Outcome.Ignored(what + " of charge " + chargeId
                        + ": the charge has no payment intent (renderbank's are all paid through Checkout):"
                        + " another application's payment on the Stripe account; nothing moved"));
            }
        }
        if (pi == null || pi.isBlank()) {
            return Optional.empty();
        }
        return foreignPaymentIntent(pi)
                .map(why -> new Outcome.Ignored(what + " of charge " + chargeId + ": " + why
                        + ": another application's payment on the Stripe account; nothing moved"));
    }

    /** Why {@code paymentIntent} is not renderbank's, if Stripe says so. */
    private Optional<String> foreignPaymentIntent(String paymentIntent) {
        Optional<String> session = first(
                "the checkout session of payment intent " + paymentIntent,
                () -> clients.client()
                        .v1()
                        .checkout()
                        .sessions()
                        .list(SessionListParams.builder()
                                .setPaymentIntent(paymentIntent)
                                .setLimit(1L)
                                .build()));
        if (session.isPresent()) {
            return opened(session.get())
                    ? Optional.empty()
                    : Optional.of("its checkout session " + session.get() + " was not opened by renderbank");
        }
        Optional<String> subscription = subscriptionOf(paymentIntent);
        if (subscription.isEmpty()) {
            return Optional.of("payment intent " + paymentIntent + " belongs to no checkout session or subscription");
        }
        String sub = subscription.get();
        if (subscriptions.find("stripe", sub).isPresent()) {
            return Optional.empty();
        }
        // a plan renderbank opened whose session's webhook has not been processed yet
        Optional<String> subSession = first(
                "the checkout session of subscription " + sub,
                () -> clients.client()
                        .v1()
                        .checkout()
                        .sessions()
                        .list(SessionListParams.builder()
                                .setSubscription(sub)
                                .setLimit(1L)
                                .build()));
        if (subSession.isPresent() && opened(subSession.get())) {
            return Optional.empty();
        }
        return Optional.of("its subscription " + sub + " was not opened by renderbank");
    }

    private boolean opened(String sessionId) {
        return checkouts.byProviderRef("stripe", sessionId).isPresent();
    }

    /** The subscription whose invoice {@code paymentIntent} paid, if it paid one. */
    private Optional<String> subscriptionOf(String paymentIntent) {
        Optional<JsonNode> payment = firstObject(
                "the invoice payment of payment intent " + paymentIntent,
                () -> clients.client()
                        .v1()
                        .invoicePayments()
                        .list(InvoicePaymentListParams.builder()
                                .setPayment(InvoicePaymentListParams.Payment.builder()
                                        .setType(InvoicePaymentListParams.Payment.Type.PAYMENT_INTENT)
                                        .setPaymentIntent(paymentIntent)
                                        .build())
                                .addExpand("data.invoice")
                                .setLimit(1L)
                                .build()));
        if (payment.isEmpty()) {
            return Optional.empty();
        }
        JsonNode invoice = payment.get().path("invoice");
        if (!invoice.isObject()) {
            String invoiceId = Json.id(payment.get(), "invoice");
            if (invoiceId == null) {
                return Optional.empty();
            }
            invoice = read(
                    "invoice " + invoiceId,
                    () -> body(clients.client().v1().invoices().retrieve(invoiceId)));
        }
        return Optional.ofNullable(
                Optional.ofNullable(Json.id(invoice, "parent", "subscription_details", "subscription"))
                        .orElse(Json.id(invoice, "subscription")));
    }

    /** The charge as Stripe reports it; empty if Stripe has no such charge. */
    private Optional<JsonNode> charge(String chargeId) {
        try {
            return Optional.of(
                    JSON.readTree(body(clients.client().v1().charges().retrieve(chargeId))));
        } catch (StripeException e) {
            if (StripeRefunds.noSuchObject(e)) {
                return Optional.empty();
            }
            throw new Unavailable("Stripe charge " + chargeId + " could not be read: " + e.getMessage(), e);
        }
    }

    private static String body(StripeObject o) {
        return o.getLastResponse() == null ? o.toJson() : o.getLastResponse().body();
    }

    private interface List1 {
        StripeCollection<?> get() throws StripeException;
    }

    private interface Body {
        String get() throws StripeException;
    }

    /** The id of the first object of a list Stripe answers. */
    private static Optional<String> first(String what, List1 list) {
        return firstObject(what, list).map(o -> Json.text(o, "id"));
    }

    private static Optional<JsonNode> firstObject(String what, List1 list) {
        JsonNode data = read(what, () -> {
                    StripeCollection<?> c = list.get();
                    return c.getLastResponse() == null
                            ? c.toJson()
                            : c.getLastResponse().body();
                })
                .path("data");
        return data.isEmpty() ? Optional.empty() : Optional.of(data.get(0));
    }

    private static JsonNode read(String what, Body body) {
        try {
            return JSON.readTree(body.get());
        } catch (StripeException e) {
            // not knowing is no evidence: the event is retried, never ignored on a failed call
            throw new Unavailable("Stripe could not be asked for " + what + ": " + e.getMessage(), e);
        }
    }
}
