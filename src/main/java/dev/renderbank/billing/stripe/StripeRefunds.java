package dev.renderbank.billing.stripe;

import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeObject;
import com.stripe.param.DisputeListParams;
import com.stripe.param.RefundListParams;
import dev.renderbank.billing.ProviderDispute;
import dev.renderbank.billing.ProviderRefund;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.PaymentLookup.AsEvent;
import dev.renderbank.billing.core.RefundTotals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe refunds and disputes of the window. A refund (succeeded, failed or canceled) comes with
 * its charge expanded: the charge's {@code amount_refunded} now is compared with what the purchase
 * its ids name records refunded, both ways (a failed refund lowers it). A dispute's status is mapped as its webhooks' handler
 * records it (inquiry, inquiry closed, won, lost; anything else: open). A repair fetches one charge or
 * dispute again and wraps it as the event its webhook carries.
 */
@Component
class StripeRefunds {

    /** The kinds of finding subject a repair fetches here ({@code stripe:charge:<id>}, {@code stripe:dispute:<id>}). */
    static final String CHARGE = "charge";

    static final String DISPUTE = "dispute";

    private static final JsonMapper JSON = JsonMapper.shared();

    private final StripeClients clients;

    StripeRefunds(StripeClients clients) {
        this.clients = clients;
    }

    /** One entry per refunded charge (its latest refund of the window). */
    List<ProviderRefund> since(Instant from) {
        Map<String, ProviderRefund> byCharge = new LinkedHashMap<>();
        try {
            for (JsonNode refund : StripePages.all("refunds", after -> {
                var params = RefundListParams.builder()
                        .setCreated(RefundListParams.Created.builder()
                                .setGte(from.getEpochSecond())
                                .build())
                        .addExpand("data.charge")
                        .setLimit(StripePages.PAGE);
                if (after != null) {
                    params.setStartingAfter(after);
                }
                return clients.client().v1().refunds().list(params.build());
            })) {
                String status = Json.text(refund, "status");
                if (!"succeeded".equals(status) && !"failed".equals(status) && !"canceled".equals(status)) {
                    continue; // a pending refund may still fail: its charge's total is not final
                }
                // a charge not expanded says nothing
                refunded(refund.path("charge"), Json.text(refund, "id"))
                        .ifPresent(r -> byCharge.putIfAbsent(r.chargeId(), r));
            }
        } catch (StripeException e) {
            throw new Unavailable("Stripe refunds could not be listed: " + e.getMessage(), e);
        }
        return List.copyOf(byCharge.values());
    }

    /** Disputes created in the window, each with the state our records should show. */
    List<ProviderDispute> disputesSince(Instant from) {
        List<ProviderDispute> disputes = new ArrayList<>();
        try {
            for (JsonNode d : StripePages.all("disputes", after -> {
                var params = DisputeListParams.builder()
                        .setCreated(DisputeListParams.Created.builder()
                                .setGte(from.getEpochSecond())
                                .build())
                        .setLimit(StripePages.PAGE);
                if (after != null) {
                    params.setStartingAfter(after);
                }
                return clients.client().v1().disputes().list(params.build());
            })) {
                disputes.add(dispute(d));
            }
        } catch (StripeException e) {
            throw new Unavailable("Stripe disputes could not be listed: " + e.getMessage(), e);
        }
        return disputes;
    }

    /**
     * A charge with a refund, fetched again and wrapped as its {@code charge.refunded} event: its
     * handler moves the purchase to the charge's refunded total, as any copy of the webhook does.
     * Each repair is an event of its own: a charge's refunded total repeats (refunded, the refund
     * failed, refunded again by a new refund), and an id named by the total alone met the earlier
     * repair's processed event, so the later one did nothing and could never be made. Two repairs of
     * one state are harmless: the handler moves to the total, which the first reached.
     */
    Optional<AsEvent> charge(String chargeId) {
        Optional<JsonNode> fetched = retrieve(
                "charge " + chargeId, () -> clients.client().v1().charges().retrieve(chargeId));
        if (fetched.isEmpty()) {
            return Optional.empty();
        }
        JsonNode charge = fetched.get();
        // 0 too: every refund of the charge failed or was canceled, and the purchase gives back
        return refunded(charge, null)
                .map(r -> StripeLookup.event(
                        "reconcile:" + CHARGE + ":" + chargeId + ":" + r.refundedMinor() + ":" + UUID.randomUUID(),
                        "charge.refunded",
                        r,
                        Json.number(charge, "created")));
    }

    /**
     * A dispute fetched again and wrapped as the event its state's webhook carries
     * ({@code charge.dispute.created} while open, {@code charge.dispute.closed} once decided); its
     * handler records it under the dispute's id.
     */
    Optional<AsEvent> dispute(String disputeId) {
        Optional<JsonNode> fetched = retrieve(
                "dispute " + disputeId, () -> clients.client().v1().disputes().retrieve(disputeId));
        if (fetched.isEmpty()) {
            return Optional.empty();
        }
        JsonNode d = fetched.get();
        ProviderDispute dispute = dispute(d);
        String type = "OPEN".equals(dispute.expectedStatus()) || "INQUIRY".equals(dispute.expectedStatus())
                ? "charge.dispute.created"
                : "charge.dispute.closed";
        return Optional.of(StripeLookup.event(
                "reconcile:" + DISPUTE + ":" + disputeId + ":" + dispute.expectedStatus(),
                type,
                dispute,
                Json.number(d, "created")));
    }

    /**
     * The charge's refunded total as Stripe reports it now, read from its API; {@code fromEvent} (a
     * charge an event carried) stands in only where no API key is set (development, the simulated
     * setup). Empty: Stripe has no such charge.
     */
    Optional<RefundTotals.ChargeNow> chargeNow(String chargeId, JsonNode fromEvent) {
        JsonNode charge;
        if (clients.configured()) {
            Optional<JsonNode> fetched = retrieve(
                    "charge " + chargeId, () -> clients.client().v1().charges().retrieve(chargeId));
            if (fetched.isEmpty()) {
                return Optional.empty();
            }
            charge = fetched.get();
        } else if (fromEvent != null) {
            charge = fromEvent;
        } else {
            throw new Unavailable(
                    "STRIPE_API_KEY is not set: the refunded total of charge " + chargeId + " cannot be read", null);
        }
        Long refunded = Json.number(charge, "amount_refunded");
        if (refunded == null) {
            return Optional.empty();
        }
        return Optional.of(new RefundTotals.ChargeNow(refunded, Json.number(charge, "amount")));
    }

    /** A charge's refunded total as our records should show it; empty for an object that is not a charge. */
    private static Optional<ProviderRefund> refunded(JsonNode charge, String refundId) {
        Long refunded = Json.number(charge, "amount_refunded");
        String chargeId = Json.text(charge, "id");
        if (chargeId == null || refunded == null) {
            return Optional.empty();
        }
        return Optional.of(new ProviderRefund(
                "stripe",
                chargeId,
                refundId,
                refunded,
                refs(chargeId, Json.id(charge, "payment_intent"), Json.id(charge, "invoice")),
                charge.toString(),
                true,
                true));
    }

    /**
     * A dispute with its status mapped as its webhooks' handler records it: an inquiry
     * ({@code warning_needs_response}, {@code warning_under_review}) as INQUIRY, one closed without a
     * chargeback ({@code warning_closed}) or prevented ({@code prevented}) as INQUIRY_CLOSED, won, lost, anything else open.
     */
    private static ProviderDispute dispute(JsonNode d) {
        String status = Json.text(d, "status");
        String expected = StripeDisputes.ending(status)
                .map(Enum::name)
                .orElse(StripeDisputes.isInquiry(status) ? "INQUIRY" : "OPEN");
        return new ProviderDispute(
                "stripe",
                Json.text(d, "id"),
                expected,
                refs(Json.id(d, "charge"), Json.id(d, "payment_intent"), null),
                d.toString());
    }

    /** One object read by id. */
    private interface Retrieve {
        StripeObject get() throws StripeException;
    }

    /** The object's JSON exactly as Stripe sent it, empty if Stripe has no such object. */
    private static Optional<JsonNode> retrieve(String what, Retrieve read) {
        try {
            StripeObject o = read.get();
            return Optional.of(JSON.readTree(
                    o.getLastResponse() == null
                            ? o.toJson()
                            : o.getLastResponse().body()));
        } catch (StripeException e) {
            if (noSuchObject(e)) {
                return Optional.empty();
            }
            throw new Unavailable("Stripe " + what + " could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * Stripe has no such object: a 404. Other answers of an {@link InvalidRequestException} (a 400)
     * say nothing about the object, like a rate limit, Stripe's own failure or no connection.
     */
    static boolean noSuchObject(StripeException e) {
        return e instanceof InvalidRequestException && Integer.valueOf(404).equals(e.getStatusCode());
    }

    private static List<String> refs(String... ids) {
        List<String> refs = new ArrayList<>();
        for (String id : ids) {
            if (id != null) {
                refs.add(id);
            }
        }
        return refs;
    }
}
