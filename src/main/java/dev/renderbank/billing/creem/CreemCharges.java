package dev.renderbank.billing.creem;

import dev.renderbank.billing.ProviderDispute;
import dev.renderbank.billing.ProviderRefund;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.PurchaseChargeStore.Recorded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The window's Creem purchases against their transactions as Creem reports them now. Creem's API
 * has no endpoint that lists or retrieves refunds or disputes; a transaction ({@code GET
 * /v1/transactions?transaction_id=}, or {@code GET /v1/transactions/search?order_id=} for a pack,
 * whose order id is its purchase key) reports its {@code refunded_amount} and a {@code chargedBack}
 * status. A refund larger than the purchase records, or a charge-back on a purchase with no dispute
 * recorded, is a {@code refund.created} or {@code dispute.created} lost or refused. They are found,
 * not repaired: those webhooks are recorded under the refund's or dispute's id, which a transaction
 * does not name, so a repair built from it could not be told apart from the late webhook (a partial
 * refund would be clawed back twice). The operator resends the webhook from Creem's dashboard.
 */
@Component
class CreemCharges {

    /** What the comparison found. */
    record Found(List<ProviderRefund> refunds, List<ProviderDispute> disputes) {}

    /** At most this many recent purchases are listed from our tables in one run. */
    private static final int MAX_LISTED = 500;

    private final CreemApi api;
    private final PurchaseChargeStore purchases;

    CreemCharges(CreemApi api, PurchaseChargeStore purchases) {
        this.api = api;
        this.purchases = purchases;
    }

    /** The Creem purchases recorded since {@code from}, newest first: each wants one call (or one per transaction). */
    List<Recorded> recent(Instant from) {
        return purchases.recordedSince("creem", from, MAX_LISTED);
    }

    /** Compares {@code recent} purchases ({@link #recent}) in turn while {@code budget} lasts. */
    Found compare(List<Recorded> recent, CallBudget budget, List<String> notChecked) {
        List<ProviderRefund> refunds = new ArrayList<>();
        List<ProviderDispute> disputes = new ArrayList<>();
        for (int i = 0; i < recent.size(); i++) {
            Recorded p = recent.get(i);
            if (budget.spent()) {
                notChecked.add(budget.exhausted(recent.size() - i, "purchase(s) against their refunds and disputes"));
                break;
            }
            try {
                transaction(p, budget).ifPresent(t -> compare(p, t, refunds, disputes));
            } catch (Unavailable e) {
                notChecked.add(e.getMessage());
            }
        }
        return new Found(refunds, disputes);
    }

    /**
     * The purchase's transaction: a pack's by its order id, a period's by the transaction id its
     * {@code subscription.paid} named (Creem's ids carry their object's prefix, {@code tran_}).
     */
    private Optional<JsonNode> transaction(Recorded p, CallBudget budget) {
        String packPrefix = CreemEvents.packKey("");
        if (p.key().startsWith(packPrefix)) {
            if (!budget.take()) {
                return Optional.empty();
            }
            return api.read("/v1/transactions/search", "order_id", p.key().substring(packPrefix.length()))
                    .map(list -> list.path("items").path(0))
                    .filter(JsonNode::isObject);
        }
        for (String ref : p.refs()) {
            if (ref.startsWith("tran_") && budget.take()) {
                Optional<JsonNode> found = api.read("/v1/transactions", "transaction_id", ref);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static void compare(Recorded p, JsonNode t, List<ProviderRefund> refunds, List<ProviderDispute> disputes) {
        String id = Json.text(t, "id");
        if (id == null) {
            return;
        }
        List<String> refs = new ArrayList<>(List.of(id));
        Optional.ofNullable(Json.id(t, "order")).ifPresent(refs::add);
        Long refunded = Json.number(t, "refunded_amount");
        if (refunded != null && refunded > 0) {
            // refunded_amount is part of what was paid (tax included): measured in the purchase's own amount
            Long paid = Optional.ofNullable(Json.number(t, "amount_paid")).orElse(Json.number(t, "amount"));
            long own;
            if (p.amountMinor() == 0) {
                // Recorded as paid nothing, yet refunded: its refund, once processed, records the
                // purchase at what its charge paid and the refund in that amount, so that is what it
                // is compared in (in the purchase's amount of 0 it would round to nothing, never found).
                own = paid == null || paid <= 0 ? refunded : Math.min(refunded, paid);
            } else {
                own = paid == null || paid <= 0 || paid == p.amountMinor()
                        ? refunded
                        : Math.floorDiv(Math.multiplyExact(refunded, p.amountMinor()), paid);
                own = Math.min(own, p.amountMinor());
            }
            if (own > p.refundedMinor()) {
                refunds.add(new ProviderRefund("creem", id, null, own, refs, t.toString(), false));
            }
        }
        if ("chargedBack".equals(Json.text(t, "status")) && !p.anyDispute()) {
            disputes.add(new ProviderDispute("creem", "chargeback:" + id, "LOST", refs, t.toString(), false));
        }
    }
}
