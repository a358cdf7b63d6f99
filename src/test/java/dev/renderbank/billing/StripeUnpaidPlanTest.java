package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.BrowserSession;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plan is the user's active plan only once its first period is paid (or once Stripe says the
 * subscription is active). Bought with a delayed method (SEPA Direct Debit, ACH), its Checkout
 * Session completes {@code unpaid} and the first invoice is paid days later, or fails: until then the
 * plan is {@code payment_pending} (the API, /account), grants nothing and still refuses a second plan
 * (409 {@code plan-payment-pending}: two plans could end up paid). Its first payment failing ({@code
 * checkout.session.async_payment_failed}, {@code invoice.payment_failed}, or the subscription deleted)
 * ends it as {@code payment_failed} or {@code canceled}: nothing was granted, the user is told once,
 * and a plan can be bought again. Payments go to Stripe in this context (only the provider's plans
 * refuse a new one); it has no API key, so a checkout that is not refused is never opened here.
 */
@TestPropertySource(properties = "renderbank.payments.provider=stripe")
class StripeUnpaidPlanTest extends BillingIntegrationTest {

    private static final String PASSWORD = "a-long-password-123";
    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    Billing billing;

    @Test
    void aPlanWhoseSessionCompletedUnpaidIsPendingRefusesASecondPlanAndIsActiveOnceItsFirstInvoiceIsPaid()
            throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String completed = id("evt");
        assertThat(stripe(session("checkout.session.completed", completed, sub, u, "unpaid"))
                        .statusCode())
                .isEqualTo(200);

        assertThat(eventStatus("stripe", completed)).isEqualTo("PROCESSED");
        assertThat(available(u)).as("nothing before the money arrives").isZero();
        JsonNode listed = subscriptions(u).path(0);
        assertThat(listed.path("id").asString()).isEqualTo(sub);
        assertThat(listed.path("status").asString()).isEqualTo("payment_pending");

        HttpResponse<String> second = api("POST", "/api/v1/checkout", token(u), "{\"product\":\"proplus-monthly\"}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        JsonNode problem = json.readTree(second.body());
        assertThat(problem.path("type").asString()).endsWith("/plan-payment-pending");
        assertThat(problem.path("subscriptionId").asString()).isEqualTo(sub);
        assertThat(problem.path("planStatus").asString()).isEqualTo("payment_pending");
        assertThat(problem.path("detail").asString())
                .contains("being processed")
                .doesNotContain("You already have");

        BrowserSession browser = BrowserSession.signIn(port, u.email(), PASSWORD);
        assertThat(browser.get("/account").body())
                .contains("payment pending")
                .contains("Your first payment is being processed")
                .doesNotContain("Renews on");

        String paid = id("evt");
        stripeAsSent(StripeWebhookTest.firstMonthlyInvoice(u.id(), paid, id("in"), sub, clock.instant()));
        assertThat(eventStatus("stripe", paid)).isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(500);
        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("active");
        assertThat(json.readTree(api("POST", "/api/v1/checkout", token(u), "{\"product\":\"proplus-monthly\"}")
                                .body())
                        .path("type")
                        .asString())
                .endsWith("/plan-already-active");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aPaidSessionStillRecordsAnActivePlan() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        stripe(session("checkout.session.completed", id("evt"), sub, u, "paid"));
        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("active");
    }

    @Test
    void aFirstPaymentThatFailsEndsThePendingPlanTellsTheUserOnceAndLetsThemBuyAgain() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String cs = id("cs");
        stripe(session("checkout.session.completed", id("evt"), sub, u, "unpaid", cs));

        String failed = id("evt");
        assertThat(stripe(session("checkout.session.async_payment_failed", failed, sub, u, "unpaid", cs))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventStatus("stripe", failed)).isEqualTo("PROCESSED");
        String invoiceFailed = id("evt");
        stripeAsSent(invoicePaymentFailed(u, invoiceFailed, sub));
        assertThat(eventStatus("stripe", invoiceFailed)).isIn("PROCESSED", "IGNORED");

        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("payment_failed");
        assertThat(billing.planRefusal(u.id())).as("a plan can be bought again").isEmpty();
        assertThat(available(u)).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> mails(u, "plan-payment-failed") == 1);
        String body = jdbc.sql(
                        "select body_text from mail_outbox where user_id = ? and template = 'plan-payment-failed'")
                .param(u.id())
                .query(String.class)
                .single();
        assertThat(body).contains("did not go through").contains("No credits were added");
        awaitSweep();
        assertThat(mails(u, "plan-payment-failed")).as("told once").isEqualTo(1);
        assertThat(mails(u, "purchase")).isZero();
        assertThat(BrowserSession.signIn(port, u.email(), PASSWORD)
                        .get("/account")
                        .body())
                .doesNotContain("payment pending");
    }

    @Test
    void anInvoicePaymentFailedOfTheFirstInvoiceEndsThePendingPlan() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        stripe(session("checkout.session.completed", id("evt"), sub, u, "unpaid"));

        String failed = id("evt");
        stripeAsSent(invoicePaymentFailed(u, failed, sub));

        assertThat(eventStatus("stripe", failed)).isEqualTo("PROCESSED");
        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("payment_failed");
        assertThat(billing.planRefusal(u.id())).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> mails(u, "plan-payment-failed") == 1);
    }

    @Test
    void aPendingPlanDeletedAtStripeEndsAndTheUserIsTold() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        stripe(session("checkout.session.completed", id("evt"), sub, u, "unpaid"));

        String deleted = id("evt");
        stripeAsSent(StripeWebhookTest.subscriptionDeleted(deleted, sub, Instant.now()));

        assertThat(eventStatus("stripe", deleted)).isEqualTo("PROCESSED");
        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("canceled");
        assertThat(billing.planRefusal(u.id())).isEmpty();
        assertThat(available(u)).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> mails(u, "plan-payment-failed") == 1);
    }

    @Test
    void aRenewalsFailedPaymentDoesNotEndAPaidPlan() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        stripe(session("checkout.session.completed", id("evt"), sub, u, "paid"));
        stripeAsSent(StripeWebhookTest.firstMonthlyInvoice(u.id(), id("evt"), id("in"), sub, clock.instant()));

        stripeAsSent(invoicePaymentFailed(u, id("evt"), sub).replace("subscription_create", "subscription_cycle"));
        stripeAsSent(invoicePaymentFailed(u, id("evt"), sub));

        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("active");
        assertThat(available(u)).isEqualTo(500);
        assertThat(mails(u, "plan-payment-failed")).isZero();
    }

    /**
     * The user asks to cancel a plan whose first payment is still being processed. Cancelled then (at
     * the end of a paid period it does not have yet), it would end at once and stop refusing a second
     * plan while Stripe may still collect its debit: both plans could be paid. The cancel is refused
     * (409 {@code plan-payment-pending}, nothing asked of Stripe, nothing changed) until the payment
     * clears or fails; once paid, the plan can be cancelled and keeps its paid month.
     */
    @Test
    void aPlanWhoseFirstPaymentIsPendingCannotBeCancelledYetAndStillRefusesASecondPlan() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        stripe(session("checkout.session.completed", id("evt"), sub, u, "unpaid"));

        HttpResponse<String> cancel = api("POST", "/api/v1/subscriptions/" + sub + "/cancel", token(u), "");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(409);
        JsonNode problem = json.readTree(cancel.body());
        assertThat(problem.path("type").asString()).endsWith("/plan-payment-pending");
        assertThat(problem.path("detail").asString()).contains("cannot be cancelled yet");
        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("payment_pending");
        assertThat(billing.planRefusal(u.id()))
                .as("its debit may still clear: a second plan could be paid too")
                .isPresent();

        clock.advance(Duration.ofDays(3));
        stripeAsSent(StripeWebhookTest.firstMonthlyInvoice(u.id(), id("evt"), id("in"), sub, clock.instant()));
        assertThat(available(u)).as("the month its payment paid").isEqualTo(500);
        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("active");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A card declined inside Stripe Checkout: Stripe creates the subscription {@code incomplete} and
     * fails its first invoice, and the buyer pays with another card in the same session seconds later.
     * The failed invoice (here delivered after the paid session) must not end the plan nor tell the
     * buyer it "did not go through": only a session that completed unpaid is ended by it.
     */
    @Test
    void aCardDeclinedInsideCheckoutAndThenPaidNeitherEndsThePlanNorTellsTheBuyerItFailed() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String cs = id("cs");
        // the session is paid with the second card; the first card's declined invoice arrives after it
        // (Stripe does not order events)
        stripe(session("checkout.session.completed", id("evt"), sub, u, "paid", cs));
        String failed = id("evt");
        // the decline happened a minute before the session was paid with the second card
        stripeAsSent(invoicePaymentFailed(u, failed, sub)
                .replaceFirst(
                        "\"created\":\\d+", "\"created\":" + (Instant.now().getEpochSecond() - 60)));
        assertThat(eventStatus("stripe", failed)).isIn("PROCESSED", "IGNORED");
        assertThat(subscriptions(u).path(0).path("status").asString())
                .as("the buyer paid in Checkout after the decline")
                .isNotEqualTo("payment_failed");

        stripeAsSent(StripeWebhookTest.firstMonthlyInvoice(u.id(), id("evt"), id("in"), sub, clock.instant()));

        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("active");
        assertThat(available(u)).isEqualTo(500);
        assertThat(mails(u, "plan-payment-failed"))
                .as("no false 'did not go through' email")
                .isZero();
    }

    /**
     * Stripe may call a subscription {@code active} while its first SEPA debit is processing; the debit
     * bouncing afterwards still ends the plan (no period of it was paid) and tells the user.
     */
    @Test
    void aPendingPlanStripeCalledActiveIsEndedWhenItsFirstDebitBounces() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        stripe(session("checkout.session.completed", id("evt"), sub, u, "unpaid"));
        String active = """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,
                 "type":"customer.subscription.updated",
                 "data":{"object":{"id":"%s","object":"subscription","status":"active","cancel_at_period_end":false,
                   "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item",
                     "price":{"id":"price_local_pro-monthly"}}]},
                   "metadata":{"userId":"%d"}}}}""".formatted(id("evt"), Instant.now().getEpochSecond(), sub, u.id());
        stripeAsSent(active);
        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("active");

        String failed = id("evt");
        stripeAsSent(invoicePaymentFailed(u, failed, sub)
                .replaceFirst(
                        "\"created\":\\d+", "\"created\":" + (Instant.now().getEpochSecond() + 60)));

        assertThat(eventStatus("stripe", failed)).isEqualTo("PROCESSED");
        assertThat(subscriptions(u).path(0).path("status").asString()).isEqualTo("payment_failed");
        assertThat(available(u)).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> mails(u, "plan-payment-failed") == 1);
    }

    private String session(String type, String eventId, String sub, UserAccount u, String paymentStatus) {
        return session(type, eventId, sub, u, paymentStatus, id("cs"));
    }

    /**
     * A subscription-mode Checkout Session event paid by SEPA Direct Debit, for the checkout renderbank
     * opened as {@code sessionId} (opened here the first time).
     */
    private String session(
            String type, String eventId, String sub, UserAccount u, String paymentStatus, String sessionId) {
        String checkoutId = checkoutStore
                .byProviderRef("stripe", sessionId)
                .map(dev.renderbank.billing.db.CheckoutStore.Checkout::id)
                .orElseGet(() -> openCheckout(u.id(), "pro-monthly", sessionId));
        return """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,"type":"%s",
                 "data":{"object":{"id":"%s","object":"checkout.session","mode":"subscription","status":"complete",
                   "payment_status":"%s","amount_total":1990,"currency":"usd","subscription":"%s",
                   "invoice":"in_first_%s","payment_method_types":["card","sepa_debit"],"client_reference_id":"%d",
                   "metadata":{"userId":"%d","product":"pro-monthly","checkoutId":"%s"}}}}""".formatted(
                        eventId,
                        Instant.now().getEpochSecond(),
                        type,
                        sessionId,
                        paymentStatus,
                        sub,
                        sub,
                        u.id(),
                        u.id(),
                        checkoutId);
    }

    /** The first invoice's payment failed (the debit bounced): Stripe's invoice.payment_failed. */
    private String invoicePaymentFailed(UserAccount u, String eventId, String sub) {
        Instant start = clock.instant();
        return StripeWebhookTest.invoice(
                        u.id(),
                        eventId,
                        "in_first_" + sub,
                        sub,
                        "price_local_pro-monthly",
                        0,
                        1990,
                        start,
                        start.plus(Duration.ofDays(30)),
                        "subscription_create")
                .replace("\"type\":\"invoice.paid\"", "\"type\":\"invoice.payment_failed\"")
                .replace("\"status\":\"paid\"", "\"status\":\"open\",\"attempted\":true,\"amount_due\":1990");
    }

    private JsonNode subscriptions(UserAccount u) throws Exception {
        return json.readTree(api("GET", "/api/v1/subscriptions", token(u), null).body());
    }

    private long mails(UserAccount u, String template) {
        return jdbc.sql("select count(*) from mail_outbox where user_id = ? and template = ?")
                .param(u.id())
                .param(template)
                .query(Long.class)
                .single();
    }
}
