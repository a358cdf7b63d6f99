package dev.renderbank.billing.creem;

import dev.renderbank.billing.core.Disputes;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.PurchaseRefunds;
import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.db.PurchaseRefStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Creem's {@code refund.created} and {@code dispute.created} ({@link CreemEvents}): each names the
 * purchase it takes back by its transaction, order or checkout, and waits while that purchase (or
 * the renewal it belongs to) is not recorded yet.
 */
@Component
class CreemRefundsAndDisputes {

    private final PurchaseRefunds refunds;
    private final Disputes disputes;
    private final PurchaseRefStore purchaseRefs;

    CreemRefundsAndDisputes(PurchaseRefunds refunds, Disputes disputes, PurchaseRefStore purchaseRefs) {
        this.refunds = refunds;
        this.disputes = disputes;
        this.purchaseRefs = purchaseRefs;
    }

    /**
     * A refund: only a succeeded one takes credits back (pending, canceled and failed ones move no
     * money). {@code refund_amount} includes tax, like the transaction's {@code amount_paid} it is a
     * part of, so the fraction refunded is measured against that, not the pre-tax order amount.
     */
    Outcome refund(JsonNode refund, Instant at) {
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
        return refunds.refund("creem", refundId, refs, new PurchaseRefunds.Refunded.ThisRefund(amount), paidOf(refund));
    }

    Outcome disputeCreated(JsonNode dispute, Instant at) {
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

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
