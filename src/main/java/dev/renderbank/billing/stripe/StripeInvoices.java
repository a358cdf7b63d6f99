package dev.renderbank.billing.stripe;

import static dev.renderbank.billing.stripe.StripeInvoiceJson.creditedEnd;
import static dev.renderbank.billing.stripe.StripeInvoiceJson.creditsUnusedTime;
import static dev.renderbank.billing.stripe.StripeInvoiceJson.firstLine;
import static dev.renderbank.billing.stripe.StripeInvoiceJson.periodLine;
import static dev.renderbank.billing.stripe.StripeInvoiceJson.subscriptionId;
import static dev.renderbank.billing.stripe.StripeInvoiceJson.subscriptionMetadata;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Stripe invoices of subscriptions. Each paid period is recorded once, keyed by subscription and
 * period start: the first ({@code subscription_create}), each renewal ({@code subscription_cycle})
 * and a plan change that starts a new period ({@code subscription_update} with a period line, e.g.
 * monthly → yearly in the customer portal). An invoice with proration lines only changes nothing:
 * the new plan's credits come with its next period. A switch whose invoice credits the old period's
 * unused time back grants its first month less the unused share of the old period's running month.
 * What an invoice's JSON says (its subscription, period line, prorations): {@link StripeInvoiceJson}.
 */
@Component
class StripeInvoices {

    private final ProductCatalog catalog;
    private final StripeSubscribers subscribers;
    private final Purchases purchases;
    private final SubscriptionStore subscriptions;
    private final StripeFirstPayments firstPayments;

    StripeInvoices(
            ProductCatalog catalog,
            StripeSubscribers subscribers,
            Purchases purchases,
            SubscriptionStore subscriptions,
            StripeFirstPayments firstPayments) {
        this.catalog = catalog;
        this.subscribers = subscribers;
        this.purchases = purchases;
        this.subscriptions = subscriptions;
        this.firstPayments = firstPayments;
    }

    Outcome paid(JsonNode inv) {
        String invoiceId = Json.text(inv, "id");
        Long paid = Json.number(inv, "amount_paid");
        if (invoiceId == null || paid == null) {
            return new Outcome.Unprocessable("invoice without id or amount_paid");
        }
        String subId = subscriptionId(inv);
        if (subId == null) {
            return new Outcome.Ignored("invoice " + invoiceId + " is not for a subscription");
        }
        String reason = Json.text(inv, "billing_reason");
        Optional<JsonNode> periodLine = periodLine(inv);
        if ("subscription_update".equals(reason)) {
            if (periodLine.isEmpty()) {
                return new Outcome.Ignored(
                        "invoice " + invoiceId + " only prorates a plan change: its credits come with the next period");
            }
        } else if (!"subscription_create".equals(reason) && !"subscription_cycle".equals(reason)) {
            return new Outcome.Ignored("invoice " + invoiceId + " (" + reason + ") is not for a subscription period");
        }
        String status = Json.text(inv, "status");
        if (status != null && !"paid".equals(status)) {
            return new Outcome.Ignored("invoice " + invoiceId + " is " + status + ", not paid");
        }
        JsonNode line = periodLine.orElseGet(() -> firstLine(inv));
        // amount_paid is 0 also for a period paid from the customer's credit balance, total is 0 for
        // one paid by a 100 % coupon (subtotal and the line keep the price before discounts); only a
        // period whose price is 0 (a trial) is free.
        Long total = Optional.ofNullable(Json.number(inv, "total")).orElse(Json.number(inv, "amount_due"));
        long cost = total != null ? total : paid;
        long price = Math.max(
                cost,
                Math.max(
                        Optional.ofNullable(Json.number(inv, "subtotal")).orElse(0L),
                        Optional.ofNullable(Json.number(line, "amount")).orElse(0L)));
        if (price <= 0) {
            return new Outcome.Ignored("invoice " + invoiceId + " costs nothing (trial)");
        }
        JsonNode meta = subscriptionMetadata(inv);
        Optional<Subscription> known = subscriptions.find("stripe", subId);
        String priceId = Optional.ofNullable(Json.id(line, "price"))
                .orElse(Json.text(line, "pricing", "price_details", "price"));
        // The price is what this period is charged for. One the catalogue does not map (a plan switched
        // at Stripe to a price nobody configured) is an operator's to resolve: the metadata and the
        // recorded plan name what was bought first, and would grant that plan's credits for it.
        // They stand in only for an invoice that names no price.
        Optional<Product> product = priceId != null
                ? catalog.byStripePriceId(priceId)
                : catalog.product(Json.text(meta, "product"))
                        .or(() -> known.flatMap(k -> catalog.product(k.product())));
        if (known.isEmpty() && product.isEmpty()) {
            // Neither the subscription (recorded when its checkout session completes) nor the price is
            // renderbank's: another application's invoice on a shared Stripe account, nothing to grant
            // and nothing for an operator to repair. An invoice of a subscription renderbank opened
            // always charges a catalogue price, so one arriving before its session is not taken here.
            return new Outcome.Ignored("invoice " + invoiceId + " of subscription " + subId + " at price " + priceId
                    + ": neither is renderbank's (another application on the Stripe account?)");
        }
        if (product.isEmpty() || !product.get().isPlan()) {
            return unknownPlan(invoiceId, subId, priceId, product);
        }
        // Whose it is: the user it is recorded for, else the user of the checkout its metadata names;
        // never the metadata's user id or the customer's email alone (StripeSubscribers).
        Optional<Long> user = subscribers.of(subId, meta);
        if (user.isEmpty()) {
            return notOpened(invoiceId, subId, meta);
        }
        Instant start = Optional.ofNullable(Json.time(line, "period", "start")).orElse(Json.time(inv, "period_start"));
        Instant end = Optional.ofNullable(Json.time(line, "period", "end")).orElse(Json.time(inv, "period_end"));
        if (start == null || end == null || !end.isAfter(start)) {
            return new Outcome.Unprocessable("invoice " + invoiceId + " has no valid period");
        }
        List<String> refs =
                new ArrayList<>(List.of(invoiceId, nz(Json.id(inv, "payment_intent")), nz(Json.id(inv, "charge"))));
        for (JsonNode payment : inv.path("payments").path("data")) {
            refs.add(nz(Json.id(payment, "payment", "payment_intent")));
            refs.add(nz(Json.id(payment, "payment", "charge")));
        }
        // Since API 2025-03-31 the invoice names no charge: its invoice_payment.paid may have come first.
        refs.addAll(purchases.invoicePayments("stripe", invoiceId));
        String currency = Json.text(inv, "currency");
        // The plan as the subscription was sold: the credits a month its checkout offered, while it is
        // on the plan that checkout was for and charged at the price it was sold at (a renewal at the
        // plan's new price gets the plan as it is now); the catalogue's now for a checkout with no offer.
        long buyer = user.get();
        Product p = subscribers
                .opened(meta)
                .filter(c -> c.userId() == buyer)
                .map(c -> c.offered(
                        product.get(),
                        java.util.Objects.equals(priceId, product.get().stripePriceId())))
                .orElse(product.get());
        // Paid is what the buyer was charged (amount_paid): what they are shown, margins count and refunds
        // and disputes take back. The rest of the invoice's total came from the customer's Stripe balance
        // (a switch's unused time credited back as money, counted when it was charged): its credits stay
        // when the charge is refunded. A switch's invoice of a total below 0 was paid by that credit alone.
        long charged = Math.max(paid, 0);
        var charge = new Purchases.Charge(
                "stripe",
                user.get(),
                p,
                charged,
                Math.max(cost - charged, 0),
                currency != null ? currency.toUpperCase(Locale.ROOT) : p.currency(),
                refs);
        // Credits follow paid time: a switch that credits the old period's unused time back (Stripe's
        // default proration: a negative proration line, "Unused time on …") grants its first month less
        // the unused share of the month the old period granted; one without (proration_behavior none,
        // no money back) grants it in full.
        boolean unusedTimeCredited = "subscription_update".equals(reason) && creditsUnusedTime(inv);
        firstPayments.paidAfterFailure(subId, charge, invoiceId); // a plan ended unpaid, charged after all
        return purchases.period(
                charge, subId, start, end, unusedTimeCredited, unusedTimeCredited ? creditedEnd(inv) : null);
    }

    /**
     * A paid period of a subscription not recorded here whose metadata names no checkout renderbank
     * opened. Metadata naming a checkout that is not ours is another deployment's on the same account:
     * ignored. None at all (a payment link, a subscription made in Stripe's dashboard at a catalogue
     * price): nothing is granted, since nobody here chose whom it is for; it is retried through the
     * backoff schedule once (a session recording it may be on its way), then kept FAILED for an
     * operator and raised once.
     */
    private static Outcome notOpened(String invoiceId, String subId, JsonNode meta) {
        String named = Json.text(meta, "checkoutId");
        if (named != null) {
            return new Outcome.Ignored("invoice " + invoiceId + " of subscription " + subId + " names checkout " + named
                    + ", which renderbank did not open (another deployment on the Stripe account?)");
        }
        return new Outcome.Unprocessable(
                "invoice " + invoiceId + " of subscription " + subId + ": the subscription is not recorded and"
                        + " its metadata names no checkout renderbank opened (a payment link, or a subscription"
                        + " made in Stripe's dashboard?); nothing was granted",
                true);
    }

    /**
     * An invoice's payment (API 2025-03-31+): the only place that links the invoice to the charge
     * and payment intent a later refund or dispute names.
     */
    Outcome paymentPaid(JsonNode payment) {
        String invoiceId = Json.id(payment, "invoice");
        if (invoiceId == null) {
            return new Outcome.Unprocessable("invoice payment without an invoice");
        }
        List<String> refs = new ArrayList<>();
        refs.add(nz(Json.id(payment, "payment", "charge")));
        refs.add(nz(Json.id(payment, "payment", "payment_intent")));
        if (refs.stream().allMatch(String::isEmpty)) {
            return new Outcome.Ignored("payment of invoice " + invoiceId + " names no charge or payment intent");
        }
        return purchases.invoicePaid("stripe", invoiceId, refs);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /**
     * A paid period at a price no plan of the catalogue has as its {@code stripe-price-id} or among its
     * {@code stripe-earlier-price-ids} (a plan switched at Stripe to a price nobody configured, or the
     * old price of a plan whose price changed, not kept as an earlier one): nothing can be granted until an operator
     * configures it (the catalogue is read at start), and retrying alone never changes that, so it is
     * retried through the backoff schedule once, then kept FAILED for an operator and raised once
     * ({@link Outcome.Unprocessable#bounded}); its error names the price to configure. Periods are keyed
     * by (subscription, period start), so a reprocess once it is configured grants once.
     */
    private static Outcome unknownPlan(String invoiceId, String subId, String priceId, Optional<Product> product) {
        String what = priceId == null
                ? "names no price, and neither its metadata nor its subscription names a plan of renderbank.catalog"
                : "charges Stripe price " + priceId
                        + product.map(p -> ", which is " + p.id() + ", a pack, not a plan")
                                .orElse(", which no plan of renderbank.catalog has as its stripe-price-id or among its"
                                        + " stripe-earlier-price-ids");
        // A price rise at Stripe is a new price: subscriptions sold before renew at the old one, which
        // the plan keeps as an earlier price (mapped, never sold); else it is a plan nobody configured.
        String fix = priceId == null
                ? "check the subscription in Stripe's dashboard"
                : "if it is an earlier price of a plan (its price changed, and subscribers sold before renew at"
                        + " this one), add " + priceId + " to renderbank.catalog.plans.<id>.stripe-earlier-price-ids;"
                        + " otherwise set renderbank.catalog.plans.<id>.stripe-price-id to " + priceId
                        + "; restart";
        return new Outcome.Unprocessable(
                "unknown plan: invoice " + invoiceId + " of subscription " + subId + " " + what
                        + "; nothing was granted. " + Character.toUpperCase(fix.charAt(0)) + fix.substring(1)
                        + ", then reprocess this event: it grants once",
                true);
    }
}
