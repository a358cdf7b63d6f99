package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A Stripe subscription's payments grant only when renderbank opened its checkout, and only to the
 * user it was opened for. A Stripe account may be shared (another application, another deployment of
 * renderbank with the same prices, a payment link or a subscription made in the dashboard), and every
 * endpoint gets every event: the user id or email its metadata or customer names is anyone's. A
 * subscription renderbank opened carries the opened checkout's id in its metadata ({@code checkoutId},
 * copied by Stripe into each invoice); it is recorded for that checkout's user.
 */
class StripeOpenedSubscriptionsTest extends BillingIntegrationTest {

    @Autowired
    Billing billing;

    private Instant start;
    private Instant next;

    @BeforeEach
    void periods() {
        start = clock.instant();
        next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
    }

    @Test
    void aPaidInvoiceOfASubscriptionRenderbankNeverOpenedGrantsNothingWhateverItsMetadataNames() throws Exception {
        UserAccount u = newUser();
        String evt = id("evt");
        String sub = id("sub");
        String invoice = StripeWebhookTest.invoice(
                        u.id(), evt, id("in"), sub, "price_local_pro-monthly", 1990, start, next, "subscription_create")
                .replace("nobody@example.com", u.email());

        assertThat(stripeAsSent(invoice).statusCode()).isEqualTo(200);

        assertThat(eventStatus("stripe", evt)).isNotEqualTo("PROCESSED");
        assertThat(available(u)).isZero();
        assertThat(billing.subscriptions(u.id())).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aSubscriptionStatusNamingAUserButNoOpenedCheckoutRecordsNothingAndItsInvoicesGrantNothing() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String created = id("evt");
        stripeAsSent(subscriptionCreated(created, sub, "price_local_pro-monthly", """
                {"userId":"%d","product":"pro-monthly"}""".formatted(u.id())));

        assertThat(eventStatus("stripe", created)).isNotEqualTo("PROCESSED");
        assertThat(billing.subscriptions(u.id())).isEmpty();

        String evt = id("evt");
        stripeAsSent(StripeWebhookTest.invoice(
                u.id(), evt, id("in"), sub, "price_local_pro-monthly", 1990, start, next, "subscription_create"));
        assertThat(eventStatus("stripe", evt)).isNotEqualTo("PROCESSED");
        assertThat(available(u)).isZero();
    }

    /**
     * Another application's subscription on the shared account, at a price the catalogue does not
     * have: nothing for renderbank and nothing for an operator, so stored IGNORED (not FAILED, which
     * would be retried every six hours and raised).
     */
    @Test
    void anotherApplicationsSubscriptionStatusIsIgnored() throws Exception {
        String evt = id("evt");
        stripeAsSent(subscriptionCreated(evt, id("sub"), "price_other_app", "{}"));
        assertThat(eventStatus("stripe", evt)).isEqualTo("IGNORED");
    }

    @Test
    void aFirstInvoiceBeforeItsSessionGrantsTheUserOfTheCheckoutItsMetadataNames() throws Exception {
        UserAccount buyer = newUser();
        UserAccount named = newUser();
        String sub = id("sub");
        String checkoutId = openCheckout(buyer.id(), "pro-monthly", id("cs"));
        String evt = id("evt");
        stripeAsSent(withMetadata(
                StripeWebhookTest.invoice(
                        named.id(),
                        evt,
                        id("in"),
                        sub,
                        "price_local_pro-monthly",
                        1990,
                        start,
                        next,
                        "subscription_create"),
                named.id(),
                checkoutId));

        assertThat(eventStatus("stripe", evt)).isEqualTo("PROCESSED");
        assertThat(available(buyer)).isEqualTo(500);
        assertThat(available(named)).isZero();
        assertThat(billing.subscriptions(buyer.id())).hasSize(1);
    }

    @Test
    void aStatusBeforeItsSessionRecordsTheSubscriptionForTheUserOfTheCheckoutItsMetadataNames() throws Exception {
        UserAccount buyer = newUser();
        String sub = id("sub");
        String checkoutId = openCheckout(buyer.id(), "pro-monthly", id("cs"));
        String evt = id("evt");
        stripeAsSent(subscriptionCreated(evt, sub, "price_local_pro-monthly", """
                {"userId":"%d","product":"pro-monthly","checkoutId":"%s"}""".formatted(buyer.id(), checkoutId)));

        assertThat(eventStatus("stripe", evt)).isEqualTo("PROCESSED");
        assertThat(billing.subscriptions(buyer.id())).hasSize(1);
    }

    @Test
    void aRecordedSubscriptionsRenewalPaysItsOwnUserNotTheOneItsMetadataNames() throws Exception {
        UserAccount subscriber = newUser();
        UserAccount named = newUser();
        String sub = id("sub");
        stripe(StripeWebhookTest.subscriptionSession(
                id("evt"), opened(subscriber.id(), "pro-monthly", id("cs")), sub, subscriber.id(), "pro-monthly"));
        stripeAsSent(StripeWebhookTest.invoice(
                subscriber.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-monthly",
                1990,
                start,
                next,
                "subscription_create"));
        assertThat(available(subscriber)).isEqualTo(500);

        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        clock.advance(Duration.between(start, next).plusMinutes(1));
        String renewal = id("evt");
        stripeAsSent(StripeWebhookTest.invoice(
                named.id(),
                renewal,
                id("in"),
                sub,
                "price_local_pro-monthly",
                1990,
                next,
                after,
                "subscription_cycle"));

        assertThat(eventStatus("stripe", renewal)).isEqualTo("PROCESSED");
        assertThat(available(subscriber)).isEqualTo(1000);
        assertThat(available(named)).isZero();
    }

    /** The invoice's subscription metadata as renderbank's checkout sets it (with {@code checkoutId}). */
    private static String withMetadata(String invoice, long userId, String checkoutId) {
        String plain = "\"metadata\":{\"userId\":\"" + userId + "\"}";
        assertThat(invoice).contains(plain);
        return invoice.replace(
                plain,
                "\"metadata\":{\"userId\":\"" + userId + "\",\"product\":\"pro-monthly\",\"checkoutId\":\"" + checkoutId
                        + "\"}");
    }

    static String subscriptionCreated(String eventId, String sub, String price, String metadata) {
        return """
                {"id":"%s","object":"event","created":%d,"type":"customer.subscription.created",
                 "data":{"object":{"id":"%s","object":"subscription","status":"active",
                   "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item","price":{"id":"%s"}}]},
                   "metadata":%s}}}""".formatted(eventId, Instant.now().getEpochSecond(), sub, price, metadata);
    }
}
