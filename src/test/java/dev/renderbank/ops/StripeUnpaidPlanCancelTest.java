package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.StartSteps;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * A Stripe plan whose first payment (a SEPA or ACH debit) failed is ended here as {@code
 * payment_failed}, and must be cancelled at Stripe too: Stripe may keep the subscription ({@code
 * incomplete}, {@code past_due}), collect a retry days later and renew it, beside a plan the user
 * bought since. It is cancelled at once ({@code DELETE /v1/subscriptions/{id}}), after the event's
 * transaction, retried while Stripe cannot be reached; Stripe's answer that it has no such
 * subscription (already cancelled or expired) is done. An account deletion cancels one whose cancel
 * is not confirmed yet, as it cancels one whose first payment is still pending. Stripe's API is
 * a local fake here.
 */
class StripeUnpaidPlanCancelTest extends StripeUnpaidPlanIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aPlanWhoseFirstPaymentFailedIsCancelledAtStripeAtOnceAndStripesLaterStatusDoesNotReviveIt() throws Exception {
        UserAccount u = buyer();
        String sub = newId("sub");
        stubCancelled(sub);

        endedUnpaid(u, sub);

        awaitCancelledAtStripe(sub);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(providerCancel(sub)).isEqualTo("confirmed"));
        STRIPE.verify(0, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub)));

        // Stripe reports it past due (its retry is scheduled) before its deletion: it stays ended here
        clock.advance(Duration.ofSeconds(5));
        assertThat(stripeWebhook(newId("evt"), "customer.subscription.updated", subscription(sub, u, "past_due"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(status(sub)).isEqualTo("payment_failed");
        clock.advance(Duration.ofSeconds(5));
        assertThat(stripeWebhook(newId("evt"), "customer.subscription.deleted", subscription(sub, u, "canceled"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(status(sub)).isEqualTo("canceled");
        assertThat(ledger.balance(u.id()).available()).isZero();
    }

    /** Stripe answers a subscription already cancelled (or expired) as one it does not have. */
    @Test
    void stripeAnsweringItHasNoSuchSubscriptionIsDoneNotRetried() throws Exception {
        UserAccount u = buyer();
        String sub = newId("sub");
        STRIPE.stubFor(delete(urlPathEqualTo("/v1/subscriptions/" + sub))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"resource_missing\",\"type\":\"invalid_request_error\","
                                + "\"param\":\"id\",\"message\":\"No such subscription: '" + sub + "'\"}}")));

        endedUnpaid(u, sub);

        awaitCancelledAtStripe(sub);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(providerCancel(sub)).isEqualTo("confirmed"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> queuedCancels(sub) == 0);
        STRIPE.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub)));
    }

    /**
     * Stripe could not be reached when the plan ended (its cancel is retried later), and the user
     * deletes the account meanwhile: the deletion cancels it, as it cancels a plan whose first payment
     * is still pending (another user's here).
     */
    @Test
    void deletingTheAccountCancelsAtStripeAPlanWhoseFirstPaymentFailedOrIsPending() throws Exception {
        UserAccount u = buyer();
        String sub = newId("sub");
        stubCancelled(sub);
        UserAccount pendingBuyer = buyer();
        String pending = newId("sub");
        STRIPE.stubFor(post(urlPathEqualTo("/v1/subscriptions/" + pending))
                .willReturn(json("{\"id\":\"" + pending + "\",\"object\":\"subscription\",\"status\":\"incomplete\","
                        + "\"cancel_at_period_end\":true}")));
        HandlerPause.holdDurable("billing.unpaid-plan-cancel");
        try {
            endedUnpaid(u, sub);
            sessionCompleted(pendingBuyer, pending);
            assertThat(status(pending)).isEqualTo("payment_pending");

            assertThat(deletion.delete(u.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);
            assertThat(deletion.delete(pendingBuyer.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);

            awaitCancelledAtStripe(sub);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(providerCancel(sub)).isEqualTo("confirmed"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> STRIPE.verify(1, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + pending))));
        } finally {
            HandlerPause.releaseDurable();
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> queuedCancels(sub) == 0);
        STRIPE.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub)));
    }

    /**
     * The user cancels a plan that ended because its first payment failed (its cancel at Stripe made,
     * as Stripe then refuses a cancel at the period's end): it has already ended, as the cancel of any
     * ended plan answers (200, the plan as it is), never 503, and Stripe is not asked.
     */
    @Test
    void theUsersCancelOfAPlanWhoseFirstPaymentFailedAnswersItHasEndedWithoutAskingStripe() throws Exception {
        UserAccount u = buyer();
        String sub = newId("sub");
        stubCancelled(sub);
        STRIPE.stubFor(
                post(urlPathEqualTo("/v1/subscriptions/" + sub))
                        .willReturn(
                                aResponse()
                                        .withStatus(400)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                                                        + "\"A canceled subscription can only update its cancellation_details and metadata.\"}}")));
        endedUnpaid(u, sub);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(providerCancel(sub)).isEqualTo("confirmed"));

        var cancel = AdminSupport.call(
                port, "POST", "/api/v1/subscriptions/" + sub + "/cancel", users.issueToken(u.id(), "test"), null, null);

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(JSON.readTree(cancel.body()).path("status").asString()).isEqualTo("payment_failed");
        assertThat(status(sub)).isEqualTo("payment_failed");
        STRIPE.verify(0, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub)));
    }

    /**
     * A plan that ended {@code payment_failed} before the release that cancels such plans: its
     * migration marked the cancel due, and nobody queued it. A node's start queues it, and Stripe is
     * asked once however many nodes start (two here) and whenever they start again.
     */
    @Test
    void aPlanEndedUnpaidBeforeTheUpgradeIsCancelledAtStripeOnceAfterTheStart() throws Exception {
        UserAccount u = buyer();
        String sub = newId("sub");
        stubCancelled(sub);
        sessionCompleted(u, sub);
        // as the previous release ended it and the migration (V2026_12_27_0101) marked it
        jdbc.sql("""
                        update billing_subscription set status = 'payment_failed', provider_cancel = 'due'
                         where provider = 'stripe' and subscription_id = :id""").param("id", sub).update();
        assertThat(queuedCancels(sub)).isZero();

        assertThat(StartSteps.queueUnpaidPlanCancels(context)).isPositive();
        StartSteps.queueUnpaidPlanCancels(context);

        awaitCancelledAtStripe(sub);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(providerCancel(sub)).isEqualTo("confirmed"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> queuedCancels(sub) == 0);
        StartSteps.queueUnpaidPlanCancels(context);
        assertThat(queuedCancels(sub))
                .as("confirmed: a later start queues nothing for it")
                .isZero();
        STRIPE.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub)));
        assertThat(status(sub)).isEqualTo("payment_failed");
    }
}
