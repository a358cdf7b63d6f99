package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A Creem {@code subscription.paid} of a product no plan of the catalogue has as its {@code
 * creem-product-id} cannot be granted until an operator configures it: like a checkout of an unknown
 * product it waits through the retry schedule once, then is kept FAILED for an operator, no longer
 * retried, and raised once, its error naming the Creem product id to configure; not retried every
 * 6 hours for ever.
 */
class CreemUnknownPlanTest extends ReconcileIntegrationTest {

    @Autowired
    OperatorAlerts alerts;

    @Test
    void aRenewalOfAnUnknownPlanIsParkedNamingTheProduct() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        String creemProduct = "prod_unconfigured_plan_" + n;
        String eventId = "evt_sub_" + n;
        assertThat(creemWebhook(eventId, "subscription.paid", """
                        {"id":"sub_%1$s","object":"subscription","status":"active",
                         "product":{"id":"%2$s"},"customer":{"email":"plan-%1$s@test.local"},
                         "metadata":{"product":"pro-monthly"}}""".formatted(n, creemProduct))
                        .statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    clock.advance(Duration.ofHours(6).plusMinutes(1));
                    return attempts(eventId) >= PaymentEventStore.BOUNDED_ATTEMPTS;
                });
        // two sweeps more, with every backoff step due: no further attempt
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    clock.advance(Duration.ofHours(6).plusMinutes(1));
                    return attempts(eventId) == PaymentEventStore.BOUNDED_ATTEMPTS;
                });
        var row = jdbc.sql("select id, status, next_attempt_at is null as parked, last_error"
                        + " from payment_event where provider = 'creem' and event_id = :e")
                .param("e", eventId)
                .query((rs, i) -> new Object[] {
                    rs.getLong("id"), rs.getString("status"), rs.getBoolean("parked"), rs.getString("last_error")
                })
                .single();
        assertThat(row[1]).isEqualTo("FAILED");
        assertThat(row[2]).as("no further automatic attempt is scheduled").isEqualTo(true);
        assertThat((String) row[3])
                .as("the stored error names the Creem product id to configure")
                .contains("unknown plan " + creemProduct)
                .contains("creem-product-id");
        assertThat(alerts.recent(1000).stream()
                        .filter(a -> a.kind().equals("billing.webhook.parked")
                                && a.message().startsWith("Payment webhook " + row[0] + " ")))
                .as("operators are told once that it is no longer retried")
                .hasSize(1);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private int attempts(String eventId) {
        return jdbc.sql("select attempts from payment_event where provider = 'creem' and event_id = :e")
                .param("e", eventId)
                .query(Integer.class)
                .single();
    }
}
