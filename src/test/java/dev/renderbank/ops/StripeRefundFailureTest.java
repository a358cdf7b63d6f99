package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.OpenedCheckouts;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A Stripe refund that later fails or is canceled gives back what it clawed back, once; the charge's
 * refunded total as Stripe reports it now is the authority, whatever order and copies of the refund
 * events arrive in (signed webhooks; Stripe's API is a local fake).
 */
class StripeRefundFailureTest extends ReconcileIntegrationTest {

    /** A buyer's pack-200 (9.90) paid with one charge; {@code atStripe} sets what Stripe reports for it. */
    private record Paid(UserAccount buyer, String chargeId, String paymentIntent) {

        String charge(long refunded) {
            return """
                    {"id":"%s","object":"charge","amount":990,"amount_refunded":%d,"refunded":%b,"currency":"usd",
                     "payment_intent":"%s"}""".formatted(chargeId, refunded, refunded == 990, paymentIntent);
        }

        String refund(String refundId, String status) {
            return """
                    {"id":"%s","object":"refund","amount":990,"currency":"usd","status":"%s","charge":"%s",
                     "payment_intent":"%s"}""".formatted(refundId, status, chargeId, paymentIntent);
        }

        String dispute(String disputeId, String status) {
            return """
                    {"id":"%s","object":"dispute","amount":990,"currency":"usd","status":"%s","charge":"%s",
                     "payment_intent":"%s"}""".formatted(disputeId, status, chargeId, paymentIntent);
        }

        /** Stripe's charge as its API reports it now. */
        void atStripe(long refunded) {
            STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + chargeId)).willReturn(json(charge(refunded))));
        }
    }

    @Test
    void aStripeRefundThatFailsGivesTheClawedBackCreditsBackExactlyOnce() throws Exception {
        Paid p = paid();
        p.atStripe(990);
        assertThat(webhook("charge.refunded", p.charge(990))).isEqualTo(200);
        assertThat(balance(p)).as("the refund claws the pack back").isZero();

        p.atStripe(0); // the refund failed: Stripe lowered the charge's amount_refunded
        String failed = "evt_" + UUID.randomUUID();
        assertThat(stripeWebhook(failed, "charge.refund.updated", p.refund("re_a_" + p.chargeId(), "failed"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(balance(p)).as("the failed refund's credits come back").isEqualTo(200);
        assertThat(stripeWebhook(failed, "charge.refund.updated", p.refund("re_a_" + p.chargeId(), "failed"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(webhook("refund.failed", p.refund("re_a_" + p.chargeId(), "failed")))
                .isEqualTo(200);
        assertThat(balance(p)).as("copies of the failure give nothing more").isEqualTo(200);
        assertThat(givenBack(p)).isEqualTo(1);

        // an old charge.refunded retried after the failure: Stripe's charge says nothing is refunded
        assertThat(webhook("charge.refunded", p.charge(990))).isEqualTo(200);
        assertThat(balance(p)).as("a stale charge.refunded claws nothing back").isEqualTo(200);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aNewRefundOfTheSameAmountAfterAFailedOneIsClawedBackAgain() throws Exception {
        Paid p = paid();
        p.atStripe(990);
        assertThat(webhook("charge.refunded", p.charge(990))).isEqualTo(200);
        p.atStripe(0);
        assertThat(webhook("charge.refund.updated", p.refund("re_a_" + p.chargeId(), "canceled")))
                .isEqualTo(200);
        assertThat(balance(p)).isEqualTo(200);

        p.atStripe(990); // refund B of the same amount
        assertThat(webhook("charge.refunded", p.charge(990))).isEqualTo(200);
        assertThat(balance(p)).as("refund B is clawed back like A was").isZero();
        assertThat(webhook("refund.updated", p.refund("re_b_" + p.chargeId(), "succeeded")))
                .isEqualTo(200);
        assertThat(balance(p)).isZero();
        assertThat(clawbacks(p)).isEqualTo(2);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aRefundThatFailedAtStripeWithItsWebhookLostIsFoundAndRepairedOnce() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        Paid p = paid();
        p.atStripe(990);
        assertThat(webhook("charge.refunded", p.charge(990))).isEqualTo(200);
        assertThat(balance(p)).isZero();

        p.atStripe(0); // the refund failed at Stripe; its webhooks never arrive
        String failed = """
                {"id":"re_%s","object":"refund","amount":990,"currency":"usd","status":"failed","created":%d,
                 "charge":%s}""".formatted(p.chargeId(), clock.instant().getEpochSecond(), p.charge(0));
        stubStripe(List.of(), List.of(), List.of(failed), List.of());
        p.atStripe(0); // stubStripe starts the fake afresh
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("REFUND_NOT_RECORDED");
        assertThat(finding.path("evidence").path("refundedHereMinor").asLong()).isEqualTo(990);
        assertThat(finding.path("evidence").path("refundedAtProviderMinor").asLong())
                .isZero();
        assertThat(finding.path("repairable").asBoolean()).isTrue();

        repaired(admin, finding, "refund failure webhook lost");
        assertThat(balance(p)).isEqualTo(200);
        assertThat(webhook("charge.refund.updated", p.refund("re_" + p.chargeId(), "failed")))
                .isEqualTo(200);
        assertThat(balance(p)).as("the late webhook gives nothing more").isEqualTo(200);
        assertThat(givenBack(p)).isEqualTo(1);
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aPartialRefundThatFailsWhileADisputeHoldsTheChargeGivesBackOnlyWhenTheDisputeIsWon() throws Exception {
        Paid p = paid();
        p.atStripe(495);
        assertThat(webhook("charge.refunded", p.charge(495))).isEqualTo(200);
        assertThat(balance(p)).as("half refunded: half of 200 taken").isEqualTo(100);
        String disputeId = "dp_" + p.chargeId();
        assertThat(webhook("charge.dispute.created", p.dispute(disputeId, "needs_response")))
                .isEqualTo(200);
        assertThat(balance(p))
                .as("refund and dispute together take it all, once")
                .isZero();

        p.atStripe(0);
        assertThat(webhook("refund.failed", p.refund("re_" + p.chargeId(), "failed")))
                .isEqualTo(200);
        assertThat(balance(p))
                .as("the open dispute still holds the whole charge")
                .isZero();

        assertThat(webhook("charge.dispute.closed", p.dispute(disputeId, "won")))
                .isEqualTo(200);
        assertThat(balance(p))
                .as("won, and nothing is refunded any more: all back")
                .isEqualTo(200);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void theRefundAndItsFailureDeliveredConcurrentlyAndAgainMoveTheCreditsExactlyOnceEachWay() throws Exception {
        for (int round = 0; round < 3; round++) {
            Paid p = paid();
            p.atStripe(990);
            String refunded = "evt_" + UUID.randomUUID();
            String succeeded = "evt_" + UUID.randomUUID();
            race(
                    () -> stripeWebhook(refunded, "charge.refunded", p.charge(990)),
                    () -> stripeWebhook(succeeded, "refund.updated", p.refund("re_" + p.chargeId(), "succeeded")));
            assertThat(balance(p)).as("round " + round + ": refunded").isZero();
            assertThat(clawbacks(p)).isEqualTo(1);

            p.atStripe(0);
            String failed = "evt_" + UUID.randomUUID();
            race(
                    () -> stripeWebhook(failed, "charge.refund.updated", p.refund("re_" + p.chargeId(), "failed")),
                    () -> stripeWebhook(
                            "evt_" + UUID.randomUUID(), "refund.failed", p.refund("re_" + p.chargeId(), "failed")),
                    () -> stripeWebhook("evt_" + UUID.randomUUID(), "charge.refunded", p.charge(990)));
            assertThat(balance(p)).as("round " + round + ": failed").isEqualTo(200);
            assertThat(clawbacks(p)).isEqualTo(1);
            assertThat(givenBack(p)).isEqualTo(1);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private interface Send {
        java.net.http.HttpResponse<String> send() throws Exception;
    }

    @Test
    void aRefundEventThatCannotBeMatchedMovesNothingAndIsKeptForARetryWithItsReason() throws Exception {
        Paid p = paid();
        // a charge no purchase here names, of a checkout renderbank opened (its webhook not processed yet)
        String n = UUID.randomUUID().toString().replace("-", "");
        Paid stranger = new Paid(p.buyer(), "ch_" + n, "pi_" + n);
        String opened = OpenedCheckouts.stripe(jdbc, p.buyer().id(), "pack-200", "cs_test_" + n, clock.instant());
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions"))
                .withQueryParam("payment_intent", equalTo(stranger.paymentIntent()))
                .willReturn(json("{\"object\":\"list\",\"has_more\":false,\"data\":[{\"id\":\"" + opened
                        + "\",\"object\":\"checkout.session\",\"payment_intent\":\"" + stranger.paymentIntent()
                        + "\"}]}")));
        String noPurchase = "evt_" + UUID.randomUUID();
        assertThat(stripeWebhook(noPurchase, "charge.refunded", stranger.charge(990))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventState(noPurchase)).startsWith("FAILED").contains("names no known purchase");

        // Stripe does not know the charge the event names (its API answers 404)
        STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + p.chargeId()))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"No such charge\"}}")));
        String unknownCharge = "evt_" + UUID.randomUUID();
        assertThat(stripeWebhook(unknownCharge, "charge.refunded", p.charge(990))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventState(unknownCharge)).startsWith("FAILED").contains("is unknown to stripe");
        assertThat(balance(p)).as("nothing clawed back").isEqualTo(200);

        // once Stripe reports the charge with nothing refunded, a refund event is processed and moves nothing
        p.atStripe(0);
        String asRecorded = "evt_" + UUID.randomUUID();
        assertThat(stripeWebhook(asRecorded, "charge.refund.updated", p.refund("re_x_" + p.chargeId(), "canceled"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventState(asRecorded)).startsWith("PROCESSED");
        assertThat(balance(p)).isEqualTo(200);
        assertThat(clawbacks(p)).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** The stored payment event's status and, after a failed attempt, why. */
    private String eventState(String eventId) {
        return jdbc.sql(
                        "select status || ' ' || coalesce(last_error, '') from payment_event where provider = 'stripe' and event_id = :e")
                .param("e", eventId)
                .query(String.class)
                .single();
    }

    /** Each of {@code sends} twice, all released together by a barrier; every one answered 200. */
    /**
     * Two refunds of the same amount, both with their webhooks lost, the first failing in between:
     * each is found and repaired. The repair's event used to be named by the charge and its refunded
     * total, so the second repair met the first's processed event, did nothing and was refused, and
     * the user kept credits for refunded money on every later run.
     */
    @Test
    void aSecondRefundOfTheSameAmountWithItsWebhookLostIsRepairedLikeTheFirst() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        Paid p = paid();
        for (String refund : List.of("re_a_", "re_b_")) {
            String succeeded =
                    """
                    {"id":"%s%s","object":"refund","amount":990,"currency":"usd","status":"succeeded","created":%d,
                     "charge":%s}""".formatted(refund, p.chargeId(), clock.instant().getEpochSecond(), p.charge(990));
            stubStripe(List.of(), List.of(), List.of(succeeded), List.of());
            p.atStripe(990); // refunded at Stripe; charge.refunded never arrives
            repaired(admin, onlyFinding(admin), "refund webhook lost");
            assertThat(balance(p)).as("refund " + refund + " clawed back").isZero();
            if (refund.equals("re_a_")) {
                p.atStripe(0); // refund A fails, and its webhook arrives
                assertThat(webhook("charge.refund.updated", p.refund(refund + p.chargeId(), "failed")))
                        .isEqualTo(200);
                assertThat(balance(p)).isEqualTo(200);
            }
        }
        assertThat(clawbacks(p)).isEqualTo(2);
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private static void race(Send... sends) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sends.length * 2);
        CyclicBarrier barrier = new CyclicBarrier(sends.length * 2);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int copy = 0; copy < 2; copy++) {
                for (Send s : sends) {
                    sent.add(pool.submit(() -> {
                        barrier.await();
                        return s.send().statusCode();
                    }));
                }
            }
            for (Future<Integer> f : sent) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
    }

    private Paid paid() throws Exception {
        UserAccount buyer =
                users.create("refail-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String sessionId = OpenedCheckouts.stripe(
                jdbc,
                buyer.id(),
                "pack-200",
                "cs_test_" + UUID.randomUUID().toString().replace("-", ""),
                clock.instant());
        String session = """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":990,"currency":"usd","client_reference_id":"%d","created":%d,
                 "payment_intent":"pi_%s","metadata":{"userId":"%d","product":"pack-200"}}""".formatted(sessionId, buyer.id(), clock.instant().getEpochSecond(), sessionId, buyer.id());
        assertThat(webhook("checkout.session.completed", session)).isEqualTo(200);
        Paid p = new Paid(buyer, "ch_" + UUID.randomUUID().toString().replace("-", ""), "pi_" + sessionId);
        assertThat(balance(p)).isEqualTo(200);
        return p;
    }

    private int webhook(String type, String object) throws Exception {
        return stripeWebhook("evt_" + UUID.randomUUID(), type, object).statusCode();
    }

    private long balance(Paid p) {
        return ledger.balance(p.buyer().id()).available();
    }

    private long clawbacks(Paid p) {
        return entries(p, "CLAWBACK");
    }

    /** Grants after the purchase's own: what a failed or canceled refund gave back. */
    private long givenBack(Paid p) {
        return entries(p, "GRANT") - 1;
    }

    private long entries(Paid p, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where user_id = :u and kind = :k")
                .param("u", p.buyer().id())
                .param("k", kind)
                .query(Long.class)
                .single();
    }
}
