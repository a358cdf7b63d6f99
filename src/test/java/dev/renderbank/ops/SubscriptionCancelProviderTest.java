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
        long now = clock.instant().getEpochSecond();
        long end =
                clock.instant().atZone(java.time.ZoneOffset.UTC).plusMonths(1).toEpochSecond();
        return """
                {"id":"%s","object":"invoice","status":"paid","amount_paid":1990,"total":1990,"subtotal":1990,
                 "currency":"usd","billing_reason":"subscription_create","created":%d,
                 "customer_email":"nobody@example.com","period_start":%d,"period_end":%d,
                 "parent":{"type":"subscription_details","subscription_details":{"subscription":"%s",
                   "metadata":{"userId":"%d"}}},
                 "lines":{"object":"list","data":[{"id":"il_%s","object":"line_item","amount":1990,
                   "parent":{"type":"subscription_item_details","subscription_item_details":{"subscription":"%s","proration":false}},
                   "pricing":{"type":"price_details","price_details":{"price":"price_local_pro-monthly","product":"prod_x"}},
                   "period":{"start":%d,"end":%d}}]}}""".formatted(id, now, now, end, sub, userId, id, sub, now, end);
    }
}
