package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Creem refund whose order is not recorded gives up after its last attempt (parked); recording the
 * order wakes it. When the order is recorded while that last attempt runs (it read no order, the
 * order's transaction committed, then the attempt parked the refund), the wake found nothing parked
 * yet and the refund stayed parked for good: the user kept a refunded order's credits unless an
 * operator acted. The refund must be applied once all the same.
 */
class ParkedRefundWakeRaceTest extends ReconcileIntegrationTest {

    @AfterEach
    void letGo() {
        HandlerPause.release();
    }

    @Test
    void anOrderRecordedWhileItsRefundsLastAttemptRunsStillGetsTheRefundApplied() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        UserAccount buyer = users.create("wake-race-" + n + "@test.local", "a-long-password-123", Role.USER, true);
        String refundEvent = "evt_ref_" + n;
        assertThat(creemRefundOfOrder(refundEvent, n).statusCode()).isEqualTo(200);
        assertThat(stored("creem", refundEvent).attempts()).isEqualTo(1);
        // its next attempt is its last
        jdbc.sql("update payment_event set attempts = :a where provider = 'creem' and event_id = :e")
                .param("a", PaymentEventStore.BOUNDED_ATTEMPTS - 1)
                .param("e", refundEvent)
                .update();

        HandlerPause.arm(refundEvent);
        clock.advance(Duration.ofHours(7));
        assertThat(HandlerPause.reached(Duration.ofSeconds(30)))
                .as("the last attempt read no order and waits before recording its failure")
                .isTrue();

        CompletableFuture<HttpResponse<String>> checkout = CompletableFuture.supplyAsync(() -> {
            try {
                return creemPackCheckout("evt_chk_" + n, n, buyer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the order's purchase is committed while the refund's attempt still holds its answer
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.sql("select count(*) from billing_purchase where purchase_key = :k")
                                .param("k", "creem:order:ord_" + n)
                                .query(Long.class)
                                .single()
                        == 1);
        HandlerPause.release();
        assertThat(checkout.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> stored("creem", refundEvent).status().equals("PROCESSED"));
        assertThat(ledger.balance(buyer.id()).balance())
                .as("the refunded order's credits are taken back")
                .isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
