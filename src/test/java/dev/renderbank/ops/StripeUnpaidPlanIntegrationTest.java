package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A Stripe plan of a user whose first payment (a SEPA or ACH debit) failed, for the tests of what
 * follows: its cancel at Stripe ({@link StripeUnpaidPlanCancelTest}) and a payment Stripe collects
 * after all ({@link StripeUnpaidPlanPaidLateTest}). Stripe's API is a local fake.
 */
abstract class StripeUnpaidPlanIntegrationTest extends ReconcileIntegrationTest {

    static final String PASSWORD = "a-long-password-123";

    @Autowired
    CheckoutStore checkouts;

    @Autowired
    ProductCatalog catalog;

    @Autowired
    AccountDeletion deletion;

    /** A plan of {@code u} at Stripe whose session completed unpaid and whose delayed payment then failed. */
    void endedUnpaid(UserAccount u, String sub) throws Exception {
        String session = sessionCompleted(u, sub);
        assertThat(stripeWebhook(
                                newId("evt"),
                                "checkout.session.async_payment_failed",
                                session(
                                        session,
                                        sub,
                                        u,
                                        checkouts
                                                .byProviderRef("stripe", session)
                                                .orElseThrow()
                                                .id()))
                        .statusCode())
                .isEqualTo(200);
        assertThat(status(sub)).isEqualTo("payment_failed");
    }

    /** A pro-monthly checkout of {@code u} whose session completed unpaid (a SEPA debit): its session id. */
    String sessionCompleted(UserAccount u, String sub) throws Exception {
        String session = newId("cs");
        String checkoutId = "chk_" + UUID.randomUUID().toString().replace("-", "");
        checkouts.insertPending(
                checkoutId, u.id(), catalog.product("pro-monthly").orElseThrow(), "stripe", null, clock.instant());
        checkouts.open(checkoutId, "https://checkout.stripe.com/c/pay/" + session, session);
        assertThat(stripeWebhook(newId("evt"), "checkout.session.completed", session(session, sub, u, checkoutId))
                        .statusCode())
                .isEqualTo(200);
        return session;
    }

    static String session(String session, String sub, UserAccount u, String checkoutId) {
        return """
                {"id":"%s","object":"checkout.session","mode":"subscription","status":"complete",
                 "payment_status":"unpaid","amount_total":1990,"currency":"usd","subscription":"%s",
                 "payment_method_types":["card","sepa_debit"],"client_reference_id":"%d",
                 "metadata":{"userId":"%d","product":"pro-monthly","checkoutId":"%s"}}""".formatted(session, sub, u.id(), u.id(), checkoutId);
    }

    static String subscription(String sub, UserAccount u, String status) {
        return """
                {"id":"%s","object":"subscription","status":"%s","cancel_at_period_end":false,
                 "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item",
                   "price":{"id":"price_local_pro-monthly"}}]},
                 "metadata":{"userId":"%d"}}""".formatted(sub, status, u.id());
    }

    /** {@code sub}'s pro-monthly period from now paid (invoice.paid of {@code invoice}): that period's end. */
    Instant paid(UserAccount u, String sub, String invoice) throws Exception {
        String eventId = newId("evt");
        Instant start = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        assertThat(stripeWebhook(eventId, "invoice.paid", invoice(invoice, sub, u.id(), start))
                        .statusCode())
                .isEqualTo(200);
        assertThat(stored("stripe", eventId).status()).isEqualTo("PROCESSED");
        return start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
    }

    /** The paid first invoice of {@code sub} (pro-monthly, 19.90), its month starting at {@code from}. */
    static String invoice(String id, String sub, long userId, Instant from) {
        long start = from.getEpochSecond();
        long end = from.atZone(ZoneOffset.UTC).plusMonths(1).toEpochSecond();
        return """
                {"id":"%1$s","object":"invoice","status":"paid","amount_paid":1990,"total":1990,"subtotal":1990,
                 "currency":"usd","billing_reason":"subscription_create","created":%3$d,
                 "customer_email":"nobody@example.com","period_start":%3$d,"period_end":%4$d,
                 "parent":{"type":"subscription_details","subscription_details":{"subscription":"%2$s",
                   "metadata":{"userId":"%5$d"}}},
                 "lines":{"object":"list","data":[{"id":"il_%1$s","object":"line_item","amount":1990,
                   "parent":{"type":"subscription_item_details","subscription_item_details":{"subscription":"%2$s","proration":false}},
                   "pricing":{"type":"price_details","price_details":{"price":"price_local_pro-monthly","product":"prod_x"}},
                   "period":{"start":%3$d,"end":%4$d}}]}}""".formatted(id, sub, start, end, userId);
    }

    /** Stripe was asked, once, to cancel {@code sub} at once (not at the end of a period). */
    static void awaitCancelledAtStripe(String sub) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> STRIPE.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/subscriptions/" + sub))));
    }

    void stubCancelled(String sub) {
        STRIPE.stubFor(delete(urlPathEqualTo("/v1/subscriptions/" + sub))
                .willReturn(json("{\"id\":\"" + sub + "\",\"object\":\"subscription\",\"status\":\"canceled\"}")));
    }

    List<OperatorAlerts.Alert> refundAlerts(String invoice) {
        return alerts.recent(1000).stream()
                .filter(a -> a.kind().equals("billing.period-paid-after-end")
                        && a.message().contains(invoice))
                .toList();
    }

    String status(String sub) {
        return column(sub, "status");
    }

    String providerCancel(String sub) {
        return column(sub, "provider_cancel");
    }

    String column(String sub, String column) {
        return jdbc.sql("select " + column + " from billing_subscription where provider = 'stripe'"
                        + " and subscription_id = :id")
                .param("id", sub)
                .query(String.class)
                .single();
    }

    Instant endsAt(String sub) {
        return jdbc.sql("select ends_at from billing_subscription where provider = 'stripe' and subscription_id = :id")
                .param("id", sub)
                .query(java.sql.Timestamp.class)
                .single()
                .toInstant();
    }

    /** The cancels of {@code sub} queued and not done yet (durable event tasks). */
    long queuedCancels(String sub) {
        return jdbc.sql("""
                        select count(*) from scheduled_tasks
                         where task_name = 'durable-event' and task_instance like :instance""")
                .param("instance", "%unpaid-plan-ended:stripe:" + sub)
                .query(Long.class)
                .single();
    }

    UserAccount buyer() {
        return users.create("unpaid-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
    }

    static String newId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }
}
