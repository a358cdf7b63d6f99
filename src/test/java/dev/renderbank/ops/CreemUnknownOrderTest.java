package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A Creem refund or dispute naming an order renderbank never recorded (a Creem store can have
 * several webhook endpoints, and the event names no product) waits for its purchase through the
 * retry schedule, then is kept FAILED for an operator, no longer retried, and raised to operators
 * once, naming what to check: not retried silently for ever.
 */
class CreemUnknownOrderTest extends ReconcileIntegrationTest {

    @Autowired
    OperatorAlerts alerts;

    @Test
    void aRefundAndADisputeOfAnOrderRenderbankNeverRecordedStopBeingRetriedAndAreRaisedToOperators() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        String refundEvent = "evt_ref_" + n;
        String disputeEvent = "evt_dsp_" + n;
        assertThat(creemWebhook(refundEvent, "refund.created", """
                        {"id":"ref_%1$s","object":"refund","status":"succeeded","refund_amount":990,
                         "refund_currency":"USD","reason":"requested_by_customer",
                         "transaction":{"id":"tran_%1$s","amount":990,"amount_paid":990,"status":"refunded"},
                         "order":{"id":"ord_%1$s"},"customer":{"id":"cust_%1$s","email":"x@example.com"}}""".formatted(n)).statusCode())
                .isEqualTo(200);
        assertThat(creemWebhook(disputeEvent, "dispute.created", """
                        {"id":"disp_%1$s","object":"dispute","amount":990,"currency":"USD",
                         "transaction":{"id":"tran_%1$s","amount":990,"amount_paid":990},
                         "order":{"id":"ord_%1$s"}}""".formatted(n))
                        .statusCode())
                .isEqualTo(200);

        // each retry comes due: the clock moves past the longest backoff step at every poll
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    clock.advance(Duration.ofHours(6).plusMinutes(1));
                    return attempts(refundEvent) >= PaymentEventStore.BOUNDED_ATTEMPTS
                            && attempts(disputeEvent) >= PaymentEventStore.BOUNDED_ATTEMPTS;
                });
        for (String e : List.of(refundEvent, disputeEvent)) {
            var row = jdbc.sql("select id, status, attempts, next_attempt_at is null as parked, last_error"
                            + " from payment_event where provider = 'creem' and event_id = :e")
                    .param("e", e)
                    .query((rs, i) -> new Object[] {
                        rs.getLong("id"),
                        rs.getString("status"),
                        rs.getInt("attempts"),
                        rs.getBoolean("parked"),
                        rs.getString("last_error")
                    })
                    .single();
            assertThat(row[1]).as(e).isEqualTo("FAILED");
            assertThat(row[3])
                    .as(e + ": no further automatic attempt is scheduled")
                    .isEqualTo(true);
            assertThat(row[2]).as(e).isEqualTo(PaymentEventStore.BOUNDED_ATTEMPTS);
            assertThat((String) row[4])
                    .contains("names no known purchase")
                    .contains("check the order in Creem's dashboard");
            assertThat(alerts.recent(1000).stream()
                            .filter(a -> a.kind().equals("billing.webhook.parked")
                                    && a.message().startsWith("Payment webhook " + row[0] + " ")))
                    .as(e + ": operators are told once that it is no longer retried")
                    .hasSize(1);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private int attempts(String eventId) {
        return jdbc.sql("select attempts from payment_event where provider = 'creem' and event_id = :e")
                .param("e", eventId)
                .query(Integer.class)
                .single();
    }
}
