package dev.renderbank.billing.creem;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.core.CheckoutGateway;
import dev.renderbank.billing.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;

/** Creem's REST API: {@code POST /v1/checkouts} and {@code POST /v1/subscriptions/{id}/cancel}. */
@Component
class CreemGateway implements CheckoutGateway {

    private final CreemApi api;

    CreemGateway(CreemApi api) {
        this.api = api;
    }

    @Override
    public PaymentsProperties.Provider mode() {
        return PaymentsProperties.Provider.CREEM;
    }

    @Override
    public Session create(Request r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("product_id", r.product().creemProductId());
        body.put("request_id", r.checkoutId());
        body.put(
                "metadata",
                Map.of(
                        "userId",
                        Long.toString(r.userId()),
                        "product",
                        r.product().id(),
                        "checkoutId",
                        r.checkoutId()));
        body.put("customer", Map.of("email", r.email()));
        body.put("success_url", r.successUrl());
        JsonNode answer;
        try {
            answer = api.http()
                    .post()
                    .uri("/v1/checkouts")
                    .header("x-api-key", api.apiKey())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(body)
                    .retrieve()
                    .body(JsonNode.class);
        } catch (RestClientException e) {
            throw new Unavailable("Creem checkout failed: " + e.getMessage(), e);
        }
        // A URL, not an id: read as it is (it may be longer than any id).
        String url = answer == null || !answer.path("checkout_url").isString()
                ? null
                : answer.path("checkout_url").stringValue();
        if (url == null || url.isBlank()) {
            throw new Unavailable("Creem answered without a checkout_url", null);
        }
        try {
            return new Session(url, Json.text(answer, "id"));
        } catch (Json.UnusableText e) {
            throw new Unavailable("Creem answered with a checkout id that " + e.getMessage(), null);
        }
    }

    /**
     * Cancels at the end of the paid period ({@code mode: scheduled}, as Stripe's {@code
     * cancel_at_period_end}): without a mode Creem cancels at once and the user loses time paid for.
     * Creem then sends {@code subscription.scheduled_cancel}, and {@code subscription.canceled} when
     * the period ends.
     */
    @Override
    public void cancel(String subscriptionId) {
        try {
            api.http()
                    .post()
                    .uri("/v1/subscriptions/{id}/cancel", subscriptionId)
                    .header("x-api-key", api.apiKey())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("mode", "scheduled"))
                    .retrieve()
                    .toBodilessEntity();
        } catch (RestClientException e) {
            throw new Unavailable("Creem cancel failed: " + e.getMessage(), e);
        }
    }
}
