package dev.renderbank.billing.creem;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.db.CheckoutStore.Checkout;
import dev.renderbank.billing.db.CheckoutStore.Offer;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a Creem {@code subscription.paid} of a plan grants, given the checkout that sold it. The
 * product the period was charged for decides first, the amount second, and the amount compared is
 * always the one before tax (VAT is no part of a price):
 *
 * <ul>
 *   <li>at the Creem product the checkout sold it under: the offer as sold (credits and price), whatever
 *       the catalogue now says for that product, unless the pre-tax amount charged shows the new price
 *       was applied (it equals the plan's price now and differs from the offer's);
 *   <li>at the plan's current product when the checkout sold it under another one (the operator moved
 *       the subscription there at Creem): the plan as it is now, whatever the discount (a discount is
 *       the seller's choice);
 *   <li>at another, earlier product of the plan: the offer as sold.
 * </ul>
 *
 * In no case more credits a month than the plan whose price the pre-tax amount is: a renewal charged
 * the offer's price gets at most the offer's credits. A checkout opened before its Creem product was
 * recorded is told by its pre-tax amount alone (the new price applied, else the offer); one opened
 * before offers were recorded, or for another plan, gets the catalogue's plan as it is now.
 *
 * <p>All of it is judged on the period's transaction: a renewal that names it by id only ({@code
 * last_transaction_id}) has it read from Creem first ({@link CreemRenewalTransaction}), and is not
 * granted until it is ({@link #unjudged}); one charged in another currency than the terms it is
 * compared with is not granted at all ({@link #otherCurrency}): its amount says nothing of their price.
 */
final class CreemRenewalTerms {

    private CreemRenewalTerms() {}

    /**
     * The amount of the period's last transaction before tax: {@code amount_paid - tax_amount} (what
     * was charged, discounts applied, tax taken off) when Creem gives both, else {@code amount} (before
     * tax), else {@code amount_paid}; null when it gives none, or a negative one.
     */
    static Long preTax(JsonNode sub) {
        Long paid = Json.number(sub, "last_transaction", "amount_paid");
        Long tax = Json.number(sub, "last_transaction", "tax_amount");
        Long amount = Json.number(sub, "last_transaction", "amount");
        Long preTax = paid != null && tax != null ? Long.valueOf(paid - tax) : amount != null ? amount : paid;
        return preTax != null && preTax >= 0 ? preTax : null;
    }

    /** {@code plan} (the catalogue's now) as a renewal at Creem product {@code charged} of {@code preTax} gets it. */
    static Product terms(Checkout checkout, Product plan, String charged, Long preTax) {
        Offer offer = checkout.offer();
        if (offer == null || !plan.id().equals(checkout.product())) {
            return plan;
        }
        Product sold = checkout.offered(plan);
        boolean atCurrentProduct = Objects.equals(charged, plan.creemProductId());
        boolean moved = atCurrentProduct
                && offer.creemProduct() != null
                && !offer.creemProduct().equals(charged);
        boolean newPriceApplied =
                atCurrentProduct && preTax != null && preTax == plan.priceMinor() && preTax != offer.priceMinor();
        if (!moved && !newPriceApplied) {
            return sold;
        }
        if (preTax != null && preTax == offer.priceMinor() && offer.credits() < plan.credits()) {
            return plan.asOffered(offer.credits(), plan.priceMinor(), plan.currency());
        }
        return plan;
    }

    /**
     * Why a renewal cannot be judged on its transaction, if it cannot: it names its transaction by id
     * only and Creem did not give it (Creem out of reach is retried before this, {@link
     * CreemRenewalTransaction}; here Creem answered it has no such transaction), or the transaction is
     * another subscription's. Nothing is granted on the catalogue's price instead: kept for a reprocess.
     */
    static Optional<Outcome> unjudged(JsonNode sub, String subId) {
        String named = CreemRenewalTransaction.namedOnly(sub);
        if (named != null) {
            return Optional.of(new Outcome.Unprocessable(
                    "subscription " + subId + " was paid by transaction " + named + ", which the event names by id"
                            + " only and Creem did not give (GET /v1/transactions?transaction_id=" + named
                            + " answered it has none): what it charged is unknown, so nothing was granted (not on"
                            + " the catalogue's price). Reprocess this event once Creem reports the transaction: it"
                            + " grants once",
                    true));
        }
        String of = Json.id(sub, "last_transaction", "subscription");
        if (of != null && !of.equals(subId)) {
            return Optional.of(new Outcome.Unprocessable(
                    "subscription " + subId + " names transaction " + Json.id(sub, "last_transaction")
                            + ", which Creem reports as subscription " + of + "'s: nothing was granted",
                    true));
        }
        return Optional.empty();
    }

    /**
     * The currency a renewal charged in {@code currency} (its transaction's) should have been charged in,
     * when it is another: the offer's its checkout sold the plan at, or that of the {@code terms} it is
     * compared with ({@link #terms}). Empty when they agree, or the transaction names no currency.
     */
    static Optional<String> otherCurrency(Optional<Checkout> checkout, Product plan, Product terms, String currency) {
        if (currency == null) {
            return Optional.empty();
        }
        Optional<String> offered = checkout.filter(c -> plan.id().equals(c.product()))
                .map(Checkout::offer)
                .map(Offer::currency);
        if (offered.isPresent() && !currency.equalsIgnoreCase(offered.get())) {
            return offered;
        }
        return currency.equalsIgnoreCase(terms.currency()) ? Optional.empty() : Optional.of(terms.currency());
    }

    /**
     * A renewal charged in another currency than the plan was sold in ({@link #otherCurrency}): an amount
     * in one currency says nothing of a price in another, so neither the credits nor the price can be
     * told from it, and retrying never changes that. Nothing is granted; like an unknown plan it is
     * retried through the backoff schedule once, then kept FAILED for an operator, who is told ({@link
     * Outcome.Unprocessable#bounded}); the error names both currencies and the transaction.
     */
    static Outcome chargedInAnotherCurrency(JsonNode sub, String subId, Product plan, String charged, String sold) {
        return new Outcome.Unprocessable(
                "renewal in another currency: subscription " + subId + " was charged in "
                        + charged.toUpperCase(java.util.Locale.ROOT) + " (transaction "
                        + Json.id(sub, "last_transaction") + ", " + Json.number(sub, "last_transaction", "amount")
                        + " before tax and discount) but its plan " + plan.id() + " was sold in " + sold
                        + "; an amount in another currency says nothing of the price sold, so nothing was granted."
                        + " Check the subscription's price and currency at Creem and settle the period with the"
                        + " buyer (an operator's grant or a refund at Creem): this event grants nothing",
                true);
    }
}
