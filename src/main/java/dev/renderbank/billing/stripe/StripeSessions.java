package dev.renderbank.billing.stripe;

import static dev.renderbank.billing.stripe.StripeEvents.nz;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.core.Buyers;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * A paid Checkout Session ({@link StripeEvents}): it grants only for a checkout renderbank opened,
 * to the user and at the offer it was opened with; a pack is granted keyed by the session id, a
 * plan's session records the subscription (its credits come with each paid invoice, {@link
 * StripeInvoices}): active when the session is paid, {@link Subscription#PAYMENT_PENDING} when it
 * completed {@code unpaid} (a delayed method: the first invoice is paid days later, or fails, {@link
 * StripeFirstPayments}). Runs in the event's transaction, like every handler.
 */
@Component
class StripeSessions {

    private final ProductCatalog catalog;
    private final Buyers buyers;
    private final Purchases purchases;
    private final SubscriptionStore subscriptionStore;
    private final CheckoutStore checkouts;
    private final SubscriptionStatusStore statuses;
    private final StripeFirstPayments firstPayments;
    private final Clock clock;

    StripeSessions(
            ProductCatalog catalog,
            Buyers buyers,
            Purchases purchases,
            SubscriptionStore subscriptionStore,
            CheckoutStore checkouts,
            SubscriptionStatusStore statuses,
            StripeFirstPayments firstPayments,
            Clock clock) {
        this.catalog = catalog;
        this.buyers = buyers;
        this.purchases = purchases;
        this.subscriptionStore = subscriptionStore;
        this.checkouts = checkouts;
        this.statuses = statuses;
        this.firstPayments = firstPayments;
        this.clock = clock;
    }

    /** {@code checkout.session.completed} or {@code checkout.session.async_payment_succeeded}. */
    Outcome session(JsonNode s, Instant at) {
        return session(s, at, false);
    }

    /**
     * As above; {@code paymentFailed}: {@code checkout.session.async_payment_failed}, the delayed
     * payment of a session completed {@code unpaid} failed. A pack's was never granted (nothing to
     * undo); a plan's ends unpaid ({@link StripeFirstPayments}).
     */
    Outcome session(JsonNode s, Instant at, boolean paymentFailed) {
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
            // A plan is the user's active plan once its first payment is made, not when its checkout
            // completes: a bank debit (SEPA, ACH) completes the session unpaid and clears days later.
            boolean paid = "paid".equals(paymentStatus) || "no_payment_required".equals(paymentStatus);
            String status =
                    paymentFailed ? Subscription.PAYMENT_FAILED : paid ? "active" : Subscription.PAYMENT_PENDING;
            subscriptionStore.ensure("stripe", subId, user.get(), p.id(), status, at, clock.instant());
            checkouts.complete(checkoutId);
            if (paymentFailed) {
                return firstPayments.failed(
                        subId,
                        at,
                        "the delayed payment of checkout session " + sessionId + " failed",
                        StripeFirstPayments.AFTER_SESSION);
            }
            if (paid) {
                statuses.firstPaymentMade("stripe", subId, at); // recorded pending before (or incomplete)
                return new Outcome.Processed("subscription " + subId + " recorded; credits come with invoice.paid");
            }
            return new Outcome.Processed("subscription " + subId + " recorded with its first payment pending"
                    + " (session " + paymentStatus + "): not active, and no credits until its invoice.paid");
        }
        if (paymentFailed) {
            return new Outcome.Ignored("the delayed payment of session " + sessionId + " failed: it completed "
                    + paymentStatus + " and nothing was granted, so nothing is undone");
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
}
