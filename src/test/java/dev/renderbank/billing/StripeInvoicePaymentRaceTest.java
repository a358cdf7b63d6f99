package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.invoice;
import static dev.renderbank.billing.StripeWebhookTest.invoicePayment;
import static dev.renderbank.billing.StripeWebhookTest.refunded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Since API 2025-03-31 a subscription invoice names no charge: only its {@code invoice_payment.paid}
 * links the two. Delivered at the same moment as the {@code invoice.paid}, on two threads, many
 * times: whichever commits second must still see what the first recorded, so a later refund of
 * the charge always finds the period it paid for.
 */
class StripeInvoicePaymentRaceTest extends BillingIntegrationTest {

    private static final int ROUNDS = 10;

    @Test
    void anInvoiceAndItsPaymentArrivingTogetherLeaveTheChargeRefundable() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                UserAccount u = newUser();
                String invoiceId = id("in");
                String pi = id("pi");
                String charge = id("ch");
                Instant start = clock.instant();
                Instant end = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
                String paidEvent = id("evt");
                String paymentEvent = id("evt");
                String paid = invoice(
                        u.id(),
                        paidEvent,
                        invoiceId,
                        id("sub"),
                        "price_local_pro-monthly",
                        1990,
                        start,
                        end,
                        "subscription_create");
                String payment = invoicePayment(paymentEvent, invoiceId, pi, charge);
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Integer> a = pool.submit(() -> {
                    together.await();
                    return stripe(paid).statusCode();
                });
                Future<Integer> b = pool.submit(() -> {
                    together.await();
                    return stripe(payment).statusCode();
                });
                assertThat(a.get()).isEqualTo(200);
                assertThat(b.get()).isEqualTo(200);
                // a copy that recorded the invoice makes the other event due at once (WaitingEvents): the
                // retry worker may process it while its own request answers 200; the refund comes after
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "PROCESSED".equals(eventStatus("stripe", paidEvent))
                                && "PROCESSED".equals(eventStatus("stripe", paymentEvent)));
                assertThat(available(u)).isEqualTo(500);

                String refund = id("evt");
                stripe(refunded(refund, charge, pi, 1990, 1990));
                assertThat(eventStatus("stripe", refund))
                        .as("refund in round %d", round)
                        .isEqualTo("PROCESSED");
                assertThat(available(u)).as("credits after round %d", round).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
