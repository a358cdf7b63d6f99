package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A checkout completed before its money arrived grants nothing. Stripe completes a session paid by a
 * delayed method (SEPA Direct Debit, ACH) with {@code payment_status: unpaid} and sends {@code
 * checkout.session.async_payment_succeeded} once the money is there (or {@code
 * ..._async_payment_failed} if it never comes); a Creem checkout's order may be {@code pending}.
 * The pack is granted once, when it is paid, keyed by the session ({@code stripe:checkout:<id>}).
 */
class UnpaidCheckoutTest extends BillingIntegrationTest {

    @Test
    void aStripeSessionCompletedUnpaidGrantsNothingUntilItsAsyncPaymentSucceedsThenOnce() throws Exception {
        UserAccount u = newUser();
        String cs = opened(u.id(), "pack-500", id("cs"));
        String pi = id("pi");

        String completed = id("evt");
        assertThat(stripe(session("checkout.session.completed", completed, cs, pi, u.id(), "unpaid"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventStatus("stripe", completed)).isEqualTo("IGNORED");
        assertThat(available(u)).as("nothing before the money arrives").isZero();
        assertThat(grants(cs)).isZero();
        assertThat(purchases(cs)).isZero();

        String succeeded = id("evt");
        assertThat(stripe(session("checkout.session.async_payment_succeeded", succeeded, cs, pi, u.id(), "paid"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventStatus("stripe", succeeded)).isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(500);

        String copy = id("evt");
        assertThat(stripe(session("checkout.session.async_payment_succeeded", copy, cs, pi, u.id(), "paid"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(stripe(session("checkout.session.completed", completed, cs, pi, u.id(), "unpaid"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(available(u)).as("granted once").isEqualTo(500);
        assertThat(grants(cs)).isEqualTo(1);
        assertThat(purchases(cs)).isEqualTo(1);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A delayed payment that fails: the session was completed unpaid and nothing was granted, so there
     * is nothing to undo: the event (subscribed to for plans, StripeUnpaidPlanTest) is stored,
     * acknowledged as IGNORED and grants nothing, and the checkout is not completed.
     */
    @Test
    void aStripeSessionWhoseAsyncPaymentFailsGrantsNothing() throws Exception {
        UserAccount u = newUser();
        String cs = opened(u.id(), "pack-500", id("cs"));
        String pi = id("pi");

        stripe(session("checkout.session.completed", id("evt"), cs, pi, u.id(), "unpaid"));
        String failed = id("evt");
        assertThat(stripe(session("checkout.session.async_payment_failed", failed, cs, pi, u.id(), "unpaid"))
                        .statusCode())
                .isEqualTo(200);

        assertThat(eventStatus("stripe", failed)).isEqualTo("IGNORED");
        assertThat(available(u)).isZero();
        assertThat(grants(cs)).isZero();
        assertThat(purchases(cs)).isZero();
        assertThat(checkoutStatus(cs)).isNotEqualTo("COMPLETED");
    }

    /** A Creem checkout whose order is still pending grants nothing; the order paid grants it once. */
    @Test
    void aCreemCheckoutWhoseOrderIsPendingGrantsNothingAndThePaidOrderGrantsOnce() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        String pending = id("evt");
        String paid = creemCheckout(pending, order, u.id(), "prod_local_pack-200", 990);
        String unpaid = paid.replace("\"status\":\"paid\"", "\"status\":\"pending\"");
        assertThat(unpaid).isNotEqualTo(paid);

        assertThat(creem(unpaid).statusCode()).isEqualTo(200);
        assertThat(eventStatus("creem", pending)).isEqualTo("IGNORED");
        assertThat(available(u)).isZero();
        assertThat(jdbc.sql("select count(*) from billing_purchase_ref where provider = 'creem' and ref = :ref")
                        .param("ref", order)
                        .query(Long.class)
                        .single())
                .isZero();

        String later = id("evt");
        assertThat(creem(paid.replace(pending, later)).statusCode()).isEqualTo(200);
        assertThat(creem(paid.replace(pending, id("evt"))).statusCode()).isEqualTo(200);
        assertThat(eventStatus("creem", later)).isEqualTo("PROCESSED");
        assertThat(available(u)).as("granted once, when paid").isEqualTo(200);
    }

    /** A one-time Checkout Session event of {@code type} with this payment status. */
    private String session(
            String type, String eventId, String sessionId, String pi, long userId, String paymentStatus) {
        return """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,"type":"%s",
                 "data":{"object":{"id":"%s","object":"checkout.session","mode":"payment","status":"complete",
                   "payment_status":"%s","amount_total":2290,"currency":"usd","payment_intent":"%s",
                   "payment_method_types":["sepa_debit"],"client_reference_id":"%d",
                   "metadata":{"userId":"%d","product":"pack-500"}}}}""".formatted(
                        eventId, Instant.now().getEpochSecond(), type, sessionId, paymentStatus, pi, userId, userId);
    }

    private long grants(String sessionId) {
        return jdbc.sql("select count(*) from ledger_entry where kind = 'GRANT' and ref_key = :k")
                .param("k", "stripe:checkout:" + sessionId)
                .query(Long.class)
                .single();
    }

    private long purchases(String sessionId) {
        return jdbc.sql("select count(*) from billing_purchase where purchase_key = :k")
                .param("k", "stripe:checkout:" + sessionId)
                .query(Long.class)
                .single();
    }

    private String checkoutStatus(String sessionId) {
        return jdbc.sql("select status from billing_checkout where provider = 'stripe' and provider_ref = :ref")
                .param("ref", sessionId)
                .query(String.class)
                .single();
    }
}
