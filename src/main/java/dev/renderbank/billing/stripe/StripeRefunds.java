package dev.renderbank.billing.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.Refund;
import com.stripe.model.StripeCollection;
import com.stripe.param.RefundListParams;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe refunds of the window, each with its charge expanded: the charge's {@code amount_refunded}
 * (cumulative, what {@code charge.refunded} records) is compared with what the purchase its ids name
 * records refunded. Read as raw JSON, as the webhook's handler reads the charge.
 */
@Component
class StripeRefunds {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final long PAGE = 100;
    private static final int PAGES = 50;

    private final StripeClients clients;

    StripeRefunds(StripeClients clients) {
        this.clients = clients;
    }

    /** One entry per refunded charge (its latest refund of the window). */
    List<ProviderRefund> since(Instant from) {
        Map<String, ProviderRefund> byCharge = new LinkedHashMap<>();
        String after = null;
        try {
            for (int page = 0; page < PAGES; page++) {
                var params = RefundListParams.builder()
                        .setCreated(RefundListParams.Created.builder()
                                .setGte(from.getEpochSecond())
                                .build())
                        .addExpand("data.charge")
                        .setLimit(PAGE);
                if (after != null) {
                    params.setStartingAfter(after);
                }
                StripeCollection<Refund> refunds =
                        clients.client().v1().refunds().list(params.build());
                String body = refunds.getLastResponse() == null
                        ? refunds.toJson()
                        : refunds.getLastResponse().body();
                JsonNode data = JSON.readTree(body).path("data");
                for (JsonNode refund : data) {
                    after = Json.text(refund, "id");
                    JsonNode charge = refund.path("charge");
                    Long refunded = Json.number(charge, "amount_refunded");
                    String chargeId = Json.text(charge, "id");
                    if (!"succeeded".equals(Json.text(refund, "status")) || chargeId == null || refunded == null) {
                        continue; // pending or failed refunds move no money; a charge not expanded says nothing
                    }
                    List<String> refs = new ArrayList<>(List.of(chargeId));
                    addIfPresent(refs, Json.id(charge, "payment_intent"));
                    addIfPresent(refs, Json.id(charge, "invoice"));
                    byCharge.putIfAbsent(
                            chargeId, new ProviderRefund("stripe", chargeId, after, refunded, refs, charge.toString()));
                }
                if (!Boolean.TRUE.equals(refunds.getHasMore()) || data.isEmpty()) {
                    break;
                }
            }
        } catch (StripeException e) {
            throw new Unavailable("Stripe refunds could not be listed: " + e.getMessage(), e);
        }
        return List.copyOf(byCharge.values());
    }

    private static void addIfPresent(List<String> refs, String ref) {
        if (ref != null) {
            refs.add(ref);
        }
    }
}
