package dev.renderbank.billing.stripe;

import static dev.renderbank.billing.stripe.StripeEvents.nz;

import dev.renderbank.billing.core.Disputes;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Stripe's {@code charge.dispute.*} events ({@link StripeEvents}) and what its dispute statuses
 * mean: each is handed to {@link Disputes} as an inquiry, an opening or a closing, in the event's
 * transaction. Whether the disputed charge is this application's is settled before that ({@link
 * StripeEvents#screen}).
 */
@Component
class StripeDisputes {

    private final Disputes disputes;

    StripeDisputes(Disputes disputes) {
        this.disputes = disputes;
    }

    /**
     * A dispute created or updated: an inquiry ({@code warning_*}) is recorded and takes nothing; a
     * chargeback status takes the share, once (an inquiry recorded before becomes the dispute); a
     * final status is handled as its closing.
     */
    Outcome disputeChanged(JsonNode dispute, Instant at) {
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
    Outcome fundsWithdrawn(JsonNode dispute, Instant at) {
        String disputeId = Json.text(dispute, "id");
        if (disputeId == null) {
            return new Outcome.Unprocessable("dispute without id");
        }
        return disputes.opened("stripe", disputeId, disputeRefs(dispute), Json.number(dispute, "amount"), null);
    }

    Outcome disputeClosed(JsonNode dispute, Instant at) {
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

    static List<String> disputeRefs(JsonNode dispute) {
        return List.of(nz(Json.id(dispute, "charge")), nz(Json.id(dispute, "payment_intent")));
    }
}
