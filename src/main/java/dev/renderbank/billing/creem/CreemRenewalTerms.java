package dev.renderbank.billing.creem;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.db.CheckoutStore.Checkout;
import dev.renderbank.billing.db.CheckoutStore.Offer;
import java.util.Objects;
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
}
