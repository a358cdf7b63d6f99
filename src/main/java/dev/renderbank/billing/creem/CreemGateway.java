package dev.renderbank.billing.creem;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.core.CheckoutGateway;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.PaymentSecrets;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;

/** Creem's REST API: {@code POST /v1/checkouts} and {@code POST /v1/subscriptions/{id}/cancel}. */
@Component
class CreemGateway implements CheckoutGateway {

    private final RestClient http;
    private final PaymentSecrets secrets;

    CreemGateway(PaymentsProperties props, PaymentSecrets secrets) {
        var jdk = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        var factory = new JdkClientHttpRequestFactory(jdk);
        factory.setReadTimeout(Duration.ofSeconds(20));
        this.http = RestClient.builder()
                .baseUrl(props.creem().baseUrl())
                .requestFactory(factory)
                .build();
        this.secrets = secrets;
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
            answer = http.post()
                    .uri("/v1/checkouts")
                    .header("x-api-key", apiKey())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(body)
                    .retrieve()
                    .body(JsonNode.class);
        } catch (RestClientException e) {
            throw new Unavailable("Creem checkout failed: " + e.getMessage(), e);
        }
        String url = answer == null ? null : Json.text(answer, "checkout_url");
        if (url == null) {
            throw new Unavailable("Creem answered without a checkout_url", null);
        }
        return new Session(url, Json.text(answer, "id"));
    }

    @Override
    public void cancel(String subscriptionId) {
        try {
            http.post()
                    .uri("/v1/subscriptions/{id}/cancel", subscriptionId)
                    .header("x-api-key", apiKey())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of())
                    .retrieve()
                    .toBodilessEntity();
        } catch (RestClientException e) {
            throw new Unavailable("Creem cancel failed: " + e.getMessage(), e);
        }
    }

    private String apiKey() {
        return secrets.creemApiKey().orElseThrow(() -> new Unavailable("CREEM_API_KEY is not set", null));
    }
}
