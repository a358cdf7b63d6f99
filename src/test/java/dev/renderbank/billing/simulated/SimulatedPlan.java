package dev.renderbank.billing.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.creem.CreemSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A plan bought with the simulated checkout while payments were simulated, left in the database when
 * they were switched to Creem or Stripe, as that checkout recorded it: its checkout (provider {@code
 * simulated}), then the two events {@code SimulatedWebhooks} builds for a paid plan (checkout.completed,
 * subscription.paid), which record the subscription as Creem's, id {@code sim_sub_<checkout>}, active,
 * with no end, its first month paid and granted; the simulated provider never renews it. While payments
 * are simulated {@code SimulatedEvents} hands these events to Creem's handler; once payments are real it
 * ignores them, so here they reach that same handler through Creem's signed endpoint and record the same
 * rows (only the stored events' provider is {@code creem} instead of {@code simulated}).
 */
public final class SimulatedPlan {

    private static final JsonMapper JSON = JsonMapper.shared();

    private SimulatedPlan() {}

    /**
     * Records {@code plan} bought by {@code userId} at {@code now} with the simulated checkout, paid until
     * {@code periodEnd}; {@code creemSecret} is the context's CREEM_WEBHOOK_SECRET. Returns the
     * subscription's id.
     */
    public static String record(
            JdbcClient jdbc,
            int port,
            String creemSecret,
            long userId,
            String email,
            Product plan,
            Instant now,
            Instant periodEnd)
            throws Exception {
        String id = "chk_" + UUID.randomUUID().toString().replace("-", "");
        // as SimulatedGateway opens it: its own page, the checkout id as the provider's reference
        jdbc.sql("""
                        insert into billing_checkout (id, user_id, product, provider, url, provider_ref, status, created_at)
                        values (:id, :user, :product, 'simulated', :url, :id, 'OPEN', :at)""")
                .param("id", id)
                .param("user", userId)
                .param("product", plan.id())
                .param("url", "http://localhost:" + port + "/checkout/simulated/" + id)
                .param("at", now.atOffset(ZoneOffset.UTC))
                .update();
        // the events the simulated checkout's "Pay" builds (SimulatedWebhooks), not a copy of them
        java.util.List<ObjectNode> events = SimulatedWebhooks.events(id, userId, plan, email, now, periodEnd);
        String sub = events.get(1).path("object").path("id").asString();

        HttpClient http = HttpClient.newHttpClient();
        for (ObjectNode e : events) {
            byte[] body = JSON.writeValueAsString(e).getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/creem"))
                            .header("Content-Type", "application/json")
                            .header("creem-signature", CreemSignature.sign(body, creemSecret))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        return sub;
    }
}
