package dev.renderbank.billing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the webhooks Creem would send for a paid checkout and delivers them, signed, to this
 * server. Event and order ids derive from the checkout id, so paying twice is a replay that the
 * webhook dedupe absorbs.
 */
@Component
class SimulatedWebhooks {

    record Delivery(List<String> events, List<Integer> statuses, String error) {
        boolean ok() {
            return error == null && statuses.stream().allMatch(s -> s == 200);
        }
    }

    private final JsonMapper json;
    private final PaymentSecrets secrets;
    private final Environment env;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    SimulatedWebhooks(JsonMapper json, PaymentSecrets secrets, Environment env) {
        this.json = json;
        this.secrets = secrets;
        this.env = env;
    }

    Delivery pay(CheckoutStore.Checkout checkout, Product product, String email, Instant now, Instant periodEnd) {
        String id = checkout.id();
        List<String> payloads = new ArrayList<>();
        List<String> names = new ArrayList<>();
        ObjectNode completed = event("sim_evt_" + id + "_checkout", "checkout.completed", now);
        ObjectNode obj = completed.putObject("object");
        obj.put("id", "sim_ch_" + id)
                .put("object", "checkout")
                .put("request_id", id)
                .put("status", "completed");
        obj.putObject("order")
                .put("id", "sim_ord_" + id)
                .put("product", product.creemProductId())
                .put("amount", product.priceMinor())
                .put("currency", product.currency())
                .put("status", "paid")
                .put("type", product.isPlan() ? "recurring" : "onetime");
        obj.putObject("product").put("id", product.creemProductId()).put("price", product.priceMinor());
        obj.putObject("customer").put("email", email);
        obj.putObject("metadata")
                .put("userId", Long.toString(checkout.userId()))
                .put("product", product.id())
                .put("checkoutId", id);
        if (product.isPlan()) {
            obj.putObject("subscription").put("id", "sim_sub_" + id).put("status", "active");
        }
        payloads.add(json.writeValueAsString(completed));
        names.add("checkout.completed");
        if (product.isPlan()) {
            ObjectNode paid = event("sim_evt_" + id + "_paid", "subscription.paid", now);
            ObjectNode sub = paid.putObject("object");
            sub.put("id", "sim_sub_" + id).put("object", "subscription").put("status", "active");
            sub.putObject("product").put("id", product.creemProductId());
            sub.putObject("customer").put("email", email);
            sub.put("last_transaction_id", "sim_txn_" + id);
            sub.putObject("last_transaction")
                    .put("id", "sim_txn_" + id)
                    .put("order", "sim_ord_" + id)
                    .put("amount", product.priceMinor())
                    .put("currency", product.currency());
            sub.put("current_period_start_date", now.toString());
            sub.put("current_period_end_date", periodEnd.toString());
            sub.putObject("metadata")
                    .put("userId", Long.toString(checkout.userId()))
                    .put("product", product.id());
            payloads.add(json.writeValueAsString(paid));
            names.add("subscription.paid");
        }
        return deliver(names, payloads);
    }

    private ObjectNode event(String id, String type, Instant at) {
        ObjectNode e = json.createObjectNode();
        e.put("id", id).put("eventType", type).put("created_at", at.toEpochMilli());
        return e;
    }

    private Delivery deliver(List<String> names, List<String> payloads) {
        String secret = secrets.creemWebhookSecret().orElse(null);
        if (secret == null) {
            return new Delivery(names, List.of(), "no webhook secret to sign with");
        }
        URI target =
                URI.create("http://localhost:" + env.getProperty("local.server.port", "8080") + "/api/webhooks/creem");
        List<Integer> statuses = new ArrayList<>();
        try {
            for (String payload : payloads) {
                byte[] body = payload.getBytes(StandardCharsets.UTF_8);
                HttpRequest request = HttpRequest.newBuilder(target)
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json")
                        .header("creem-signature", CreemSignature.sign(body, secret))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                statuses.add(http.send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode());
            }
        } catch (IOException e) {
            return new Delivery(names, statuses, "could not reach " + target + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery(names, statuses, "interrupted");
        }
        return new Delivery(names, statuses, null);
    }
}
