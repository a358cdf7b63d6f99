package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A subscription is cancelled at the payment provider it was bought from, whatever provider new
 * checkouts go to ({@code renderbank.payments.provider}): a Stripe subscription must not be
 * "cancelled" by another provider's gateway (here the simulated one, which tells nobody) while Stripe
 * goes on charging the buyer, as after a switch of provider, when the earlier provider's
 * subscriptions still renew and their webhooks still arrive. In this context payments are simulated
 * (the default) and the providers' APIs are local fakes.
 */
class SubscriptionCancelProviderTest extends ReconcileIntegrationTest {

    @Autowired
    AccountDeletion deletion;

    @Test
    void aStripeSubscriptionIsCancelledAtStripe() throws Exception {
        UserAccount buyer = buyer();
        String sub = stripePlan(buyer);

        var cancelled =
                AdminSupport.call(port, "POST", "/api/v1/subscriptions/" + sub + "/cancel", token(buyer), null, null);

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        STRIPE.verify(1, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub)));
    }

    @Test
    void deletingTheAccountCancelsItsStripeSubscriptionAtStripe() throws Exception {
        UserAccount buyer = buyer();
        String sub = stripePlan(buyer);

        assertThat(deletion.delete(buyer.id(), "a-long-password-123")).isInstanceOf(DeletionOutcome.Deleted.class);

        // the account's subscriptions are cancelled by a durable event handler, after the deletion commits
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> STRIPE.verify(1, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub))));
    }

    /**
     * A plan paid after its account was deleted (the user deleted it in one tab and paid the plan's
     * checkout in another, or the plan's webhooks came late or failed their first attempt): the
     * deletion's cancellation had run and found no subscription, so without a second look Stripe would
     * charge every month for an account that no longer exists, each month forfeited. It is cancelled
     * at Stripe as soon as its payment is recorded.
     */
    @Test
    void aPlanPaidAfterItsAccountWasDeletedIsCancelledAtStripe() throws Exception {
        UserAccount buyer = buyer();
        deleteAndWaitForItsHandlers(buyer);
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");
        stubCancel(sub);

        String invoice = stripeInvoice("in_" + UUID.randomUUID().toString().replace("-", ""), sub, buyer.id());
        assertThat(stripeWebhook("evt_" + UUID.randomUUID(), "invoice.paid", invoice)
                        .statusCode())
                .isEqualTo(200);

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> STRIPE.verify(1, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub))));
        assertThat(ledger.balance(buyer.id()).available()).as("forfeited").isZero();
    }

    /**
     * A subscription recorded by its status event after its account was deleted, or resumed (its
     * cancellation undone at Stripe) after the deletion cancelled it, is cancelled too: otherwise its
     * next renewal is charged.
     */
    @Test
    void aSubscriptionRecordedOrResumedAfterItsAccountWasDeletedIsCancelledAtStripe() throws Exception {
        UserAccount buyer = buyer();
        deleteAndWaitForItsHandlers(buyer);
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");
        stubCancel(sub);
        String active = """
                {"id":"%s","object":"subscription","status":"active","cancel_at_period_end":false,
                 "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item",
                   "price":{"id":"price_local_pro-monthly"}}]},
                 "metadata":{"userId":"%d"}}""".formatted(sub, buyer.id());

        assertThat(stripeWebhook("evt_" + UUID.randomUUID(), "customer.subscription.created", active)
                        .statusCode())
                .isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> STRIPE.verify(1, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub))));

        // the user's cancellation undone at Stripe afterwards: cancelled again
        clock.advance(Duration.ofSeconds(5));
        assertThat(stripeWebhook("evt_" + UUID.randomUUID(), "customer.subscription.updated", active)
                        .statusCode())
                .isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> STRIPE.verify(2, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub))));
    }

    /**
     * A subscription of a deleted account whose status says it ended (Stripe's first payment never
     * made: {@code incomplete_expired}) is not cancelled: Stripe refuses to cancel an ended one, and the
     * cancellation would be retried for ever, raising an alert every hour.
     */
    @Test
    void anEndedSubscriptionOfADeletedAccountIsNotCancelled() throws Exception {
        UserAccount buyer = buyer();
        deleteAndWaitForItsHandlers(buyer);
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");
        stubCancel(sub);
        String expired = """
                {"id":"%s","object":"subscription","status":"incomplete_expired","cancel_at_period_end":false,
                 "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item",
                   "price":{"id":"price_local_pro-monthly"}}]},
                 "metadata":{"userId":"%d"}}""".formatted(sub, buyer.id());

        assertThat(stripeWebhook("evt_" + UUID.randomUUID(), "customer.subscription.updated", expired)
                        .statusCode())
                .isEqualTo(200);

        assertThat(jdbc.sql("""
                                select count(*) from scheduled_tasks
                                 where task_name = 'durable-event' and task_instance like :instance""")
                        .param("instance", "%subscription-of-deleted-account:stripe:" + sub)
                        .query(Long.class)
                        .single())
                .as("no cancellation queued")
                .isZero();
        STRIPE.verify(0, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub)));
    }

    private void deleteAndWaitForItsHandlers(UserAccount buyer) {
        assertThat(deletion.delete(buyer.id(), "a-long-password-123")).isInstanceOf(DeletionOutcome.Deleted.class);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("""
                                select count(*) from scheduled_tasks
                                 where task_name = 'durable-event' and task_instance like :instance""")
                                .param("instance", "%:account-deleted:" + buyer.id())
                                .query(Long.class)
                                .single()
                        == 0);
    }

    private void stubCancel(String sub) {
        STRIPE.stubFor(post(urlPathEqualTo("/v1/subscriptions/" + sub))
                .willReturn(json("{\"id\":\"" + sub + "\",\"object\":\"subscription\",\"status\":\"active\","
                        + "\"cancel_at_period_end\":true}")));
    }

    /**
     * A cancellation keeps what was paid for: its end is the end of the paid period as recorded when
     * it is written, not as read before the provider was asked. A yearly plan's renewal recorded while
     * Stripe answers the cancel (here Stripe takes 1.5 s) extends the paid period to the new year's
     * end, and the cancellation ends the subscription there, not at the old year's end, which would
     * stop the renewed year's months after its first.
     */
    @Test
    void aCancellationWhileARenewalIsRecordedEndsTheSubscriptionAtTheRenewedPeriodsEnd() throws Exception {
        UserAccount buyer = buyer();
        YearlyPlan plan = stripeYearlyPlan(buyer, 1500);

        var cancel = new java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>();
        dev.renderbank.support.Concurrently.completeInBackground(cancel, () -> {
            try {
                return AdminSupport.call(
                        port, "POST", "/api/v1/subscriptions/" + plan.sub() + "/cancel", token(buyer), null, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the cancel has read the subscription and waits for Stripe: the renewal is recorded meanwhile
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> STRIPE.verify(1, postRequestedFor(urlPathEqualTo("/v1/subscriptions/" + plan.sub()))));
        renew(buyer, plan);
        assertThat(cancel.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                .isEqualTo(200);

        assertThat(jdbc.sql("""
                        select ends_at from billing_subscription where provider = 'stripe' and subscription_id = :id""")
                        .param("id", plan.sub())
                        .query(java.sql.Timestamp.class)
                        .single()
                        .toInstant())
                .as("the subscription ends when the renewed year it was paid for ends")
                .isEqualTo(plan.end2());
    }

    /**
     * A renewal the provider charged just before the owner's cancellation reached it, whose webhook
     * arrives after the cancellation is saved, was paid for: the subscription ends when the renewed
     * period ends (the cancellation still ends it then), not when the old one ended, which would stop
     * the renewed year's months after its first.
     */
    @Test
    void aRenewalChargedBeforeTheCancellationButReportedAfterItIsHonouredToItsPaidEnd() throws Exception {
        UserAccount buyer = buyer();
        YearlyPlan plan = stripeYearlyPlan(buyer, 0);

        // Stripe charged the renewal at the year's end; the owner cancels seconds later, before its webhook
        clock.advance(Duration.between(clock.instant(), plan.end1().plusSeconds(5)));
        var cancelled = AdminSupport.call(
                port, "POST", "/api/v1/subscriptions/" + plan.sub() + "/cancel", token(buyer), null, null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        renew(buyer, plan);

        var row = jdbc.sql("""
                        select status, ends_at from billing_subscription
                         where provider = 'stripe' and subscription_id = :id""")
                .param("id", plan.sub())
                .query((rs, n) -> java.util.Map.entry(
                        rs.getString("status"), rs.getTimestamp("ends_at").toInstant()))
                .single();
        assertThat(row.getKey()).as("still cancelled").isEqualTo("canceled");
        assertThat(row.getValue())
                .as("the subscription ends when the renewed year it was paid for ends")
                .isEqualTo(plan.end2());
    }

    /** A Stripe yearly plan: its subscription id, the end of its first year and of the year after. */
    private record YearlyPlan(String sub, java.time.Instant end1, java.time.Instant end2) {}

    /**
     * A Stripe pro-yearly plan of {@code buyer} that started now, recorded by its first invoice.paid;
     * Stripe accepts its cancel after {@code cancelDelayMillis}.
     */
    private YearlyPlan stripeYearlyPlan(UserAccount buyer, int cancelDelayMillis) throws Exception {
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");
        java.time.Instant start = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        java.time.Instant end1 =
                start.atZone(java.time.ZoneOffset.UTC).plusYears(1).toInstant();
        java.time.Instant end2 =
                start.atZone(java.time.ZoneOffset.UTC).plusYears(2).toInstant();
        assertThat(stripeWebhook(
                                "evt_" + UUID.randomUUID(),
                                "invoice.paid",
                                stripeInvoice(
                                        sub,
                                        buyer.id(),
                                        "price_local_pro-yearly",
                                        19900,
                                        start,
                                        end1,
                                        "subscription_create"))
                        .statusCode())
                .isEqualTo(200);
        STRIPE.stubFor(post(urlPathEqualTo("/v1/subscriptions/" + sub))
                .willReturn(json("{\"id\":\"" + sub + "\",\"object\":\"subscription\",\"status\":\"active\","
                                + "\"cancel_at_period_end\":true}")
                        .withFixedDelay(cancelDelayMillis)));
        return new YearlyPlan(sub, end1, end2);
    }

    /** The paid invoice of {@code plan}'s second year (subscription_cycle), delivered and accepted. */
    private void renew(UserAccount buyer, YearlyPlan plan) throws Exception {
        assertThat(stripeWebhook(
                                "evt_" + UUID.randomUUID(),
                                "invoice.paid",
                                stripeInvoice(
                                        plan.sub(),
                                        buyer.id(),
                                        "price_local_pro-yearly",
                                        19900,
                                        plan.end1(),
                                        plan.end2(),
                                        "subscription_cycle"))
                        .statusCode())
                .isEqualTo(200);
    }

    /** A Stripe pro-monthly plan of {@code buyer}, recorded by its first invoice.paid; Stripe accepts its cancel. */
    private String stripePlan(UserAccount buyer) throws Exception {
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");
        String invoice = stripeInvoice("in_" + UUID.randomUUID().toString().replace("-", ""), sub, buyer.id());
        assertThat(stripeWebhook("evt_" + UUID.randomUUID(), "invoice.paid", invoice)
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available())
                .as("the plan was recorded")
                .isEqualTo(500);
        STRIPE.stubFor(post(urlPathEqualTo("/v1/subscriptions/" + sub))
                .willReturn(json("{\"id\":\"" + sub + "\",\"object\":\"subscription\",\"status\":\"active\","
                        + "\"cancel_at_period_end\":true}")));
        return sub;
    }

    private UserAccount buyer() {
        return users.create("cancel-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
    }

    private String token(UserAccount u) {
        return users.issueToken(u.id(), "test");
    }

    /** A paid first invoice of a Stripe pro-monthly subscription, as Stripe's API (2025+) sends it. */
    private String stripeInvoice(String id, String sub, long userId) {
        return stripeInvoice(
                id,
                sub,
                userId,
                "price_local_pro-monthly",
                1990,
                clock.instant(),
                clock.instant().atZone(java.time.ZoneOffset.UTC).plusMonths(1).toInstant(),
                "subscription_create");
    }

    /** A paid invoice of a Stripe subscription's period from {@code start} to {@code end}. */
    private String stripeInvoice(
            String sub,
            long userId,
            String price,
            long amount,
            java.time.Instant start,
            java.time.Instant end,
            String reason) {
        return stripeInvoice(
                "in_" + UUID.randomUUID().toString().replace("-", ""), sub, userId, price, amount, start, end, reason);
    }

    private String stripeInvoice(
            String id,
            String sub,
            long userId,
            String price,
            long amountMinor,
            java.time.Instant start,
            java.time.Instant endAt,
            String reason) {
        long now = start.getEpochSecond();
        long end = endAt.getEpochSecond();
        return """
                {"id":"%s","object":"invoice","status":"paid","amount_paid":%d,"total":%d,"subtotal":%d,
                 "currency":"usd","billing_reason":"%s","created":%d,
                 "customer_email":"nobody@example.com","period_start":%d,"period_end":%d,
                 "parent":{"type":"subscription_details","subscription_details":{"subscription":"%s",
                   "metadata":{"userId":"%d"}}},
                 "lines":{"object":"list","data":[{"id":"il_%s","object":"line_item","amount":%d,
                   "parent":{"type":"subscription_item_details","subscription_item_details":{"subscription":"%s","proration":false}},
                   "pricing":{"type":"price_details","price_details":{"price":"%s","product":"prod_x"}},
                   "period":{"start":%d,"end":%d}}]}}""".formatted(
                        id,
                        amountMinor,
                        amountMinor,
                        amountMinor,
                        reason,
                        now,
                        now,
                        end,
                        sub,
                        userId,
                        id,
                        amountMinor,
                        sub,
                        price,
                        now,
                        end);
    }
}
