package dev.renderbank.billing.stripe;

import com.stripe.exception.StripeException;
import com.stripe.param.DisputeListParams;
import com.stripe.param.RefundListParams;
import dev.renderbank.billing.ProviderDispute;
import dev.renderbank.billing.ProviderRefund;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Stripe refunds and disputes of the window. A refund comes with its charge expanded: the charge's
 * {@code amount_refunded} (cumulative, what {@code charge.refunded} records) is compared with what
 * the purchase its ids name records refunded. A dispute's status is mapped as its webhooks' handler
 * maps it (won or warning_closed: kept; lost; anything else: open).
 */
@Component
class StripeRefunds {

    private final StripeClients clients;

    StripeRefunds(StripeClients clients) {
        this.clients = clients;
    }

    /** One entry per refunded charge (its latest refund of the window). */
    List<ProviderRefund> since(Instant from) {
        Map<String, ProviderRefund> byCharge = new LinkedHashMap<>();
        try {
            for (JsonNode refund : StripePages.all(after -> {
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
                JsonNode charge = refund.path("charge");
                Long refunded = Json.number(charge, "amount_refunded");
                String chargeId = Json.text(charge, "id");
                if (!"succeeded".equals(Json.text(refund, "status")) || chargeId == null || refunded == null) {
                    continue; // pending or failed refunds move no money; a charge not expanded says nothing
                }
                byCharge.putIfAbsent(
                        chargeId,
                        new ProviderRefund(
                                "stripe",
                                chargeId,
                                Json.text(refund, "id"),
                                refunded,
                                refs(chargeId, Json.id(charge, "payment_intent"), Json.id(charge, "invoice")),
                                charge.toString()));
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
            for (JsonNode d : StripePages.all(after -> {
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
                String status = Json.text(d, "status");
                String expected = "won".equals(status) || "warning_closed".equals(status)
                        ? "WON"
                        : "lost".equals(status) ? "LOST" : "OPEN";
                disputes.add(new ProviderDispute(
                        "stripe",
                        Json.text(d, "id"),
                        expected,
                        refs(Json.id(d, "charge"), Json.id(d, "payment_intent"), null),
                        d.toString()));
            }
        } catch (StripeException e) {
            throw new Unavailable("Stripe disputes could not be listed: " + e.getMessage(), e);
        }
        return disputes;
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
