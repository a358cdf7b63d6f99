package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A Creem refund or dispute naming an order renderbank never recorded (a Creem store can have
 * several webhook endpoints, and the event names no product) waits for its purchase through the
 * retry schedule, then is kept FAILED for an operator, no longer retried, and raised to operators
 * once, naming what to check: not retried silently for ever.
 */
class CreemUnknownOrderTest extends ReconcileIntegrationTest {

    @Test
    void aRefundAndADisputeOfAnOrderRenderbankNeverRecordedStopBeingRetriedAndAreRaisedToOperators() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        String refundEvent = "evt_ref_" + n;
        String disputeEvent = "evt_dsp_" + n;
        assertThat(creemRefundOfOrder(refundEvent, n).statusCode()).isEqualTo(200);
        assertThat(creemWebhook(disputeEvent, "dispute.created", """
                        {"id":"disp_%1$s","object":"dispute","amount":990,"currency":"USD",
                         "transaction":{"id":"tran_%1$s","amount":990,"amount_paid":990},
                         "order":{"id":"ord_%1$s"}}""".formatted(n))
                        .statusCode())
                .isEqualTo(200);

        for (String e : List.of(refundEvent, disputeEvent)) {
            StoredEvent parked = awaitParked("creem", e);
            assertThat(parked.lastError())
                    .as(e)
                    .contains("names no known purchase")
                    .contains("check the order in Creem's dashboard");
            assertThat(parkedAlerts(parked.id()))
                    .as(e + ": operators are told once that it is no longer retried")
                    .hasSize(1);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
