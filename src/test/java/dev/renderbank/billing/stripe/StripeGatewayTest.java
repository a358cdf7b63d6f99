package dev.renderbank.billing.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.core.CheckoutGateway;
import dev.renderbank.billing.core.PaymentSecrets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** stripe-java Checkout Sessions against a local fake of Stripe's API (the api base is configurable). */
class StripeGatewayTest {

    private final WireMockServer stripe = new WireMockServer(options().dynamicPort());
    private StripeGateway gateway;
    private final ProductCatalog catalog = new ProductCatalog(null, null, null);

    @BeforeEach
    void start() {
        stripe.start();
        var props = new PaymentsProperties(
                PaymentsProperties.Provider.STRIPE,
                new PaymentsProperties.Creem("http://unused", 200, List.of("https://creem.io")),
                new PaymentsProperties.Stripe(stripe.baseUrl(), List.of("https://checkout.stripe.com")),
                "/",
                Duration.ofSeconds(15),
                5,
                Duration.ofMinutes(10));
        var env = new MockEnvironment()
                .withProperty("STRIPE_API_KEY", "sk_test_fake")
                .withProperty("STRIPE_WEBHOOK_SECRET", "whsec_fake");
        gateway = new StripeGateway(new StripeClients(props, new PaymentSecrets(env, props)));
    }

    @AfterEach
    void stop() {
        stripe.stop();
    }

    @Test
    void aPackIsAOneTimePaymentSessionWithUserAndProductInMetadata() {
        stripe.stubFor(post("/v1/checkout/sessions")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"cs_test_1\",\"object\":\"checkout.session\","
                                + "\"url\":\"https://checkout.stripe.com/c/pay/cs_test_1\"}")));

        var session = gateway.create(new CheckoutGateway.Request(
                "chk_1", 42, "buyer@example.com", catalog.product("pack-200").orElseThrow(), "https://x/ok"));

        assertThat(session.url()).isEqualTo("https://checkout.stripe.com/c/pay/cs_test_1");
        stripe.verify(postRequestedFor(urlEqualTo("/v1/checkout/sessions"))
                .withHeader("Authorization", equalTo("Bearer sk_test_fake"))
                .withHeader("Idempotency-Key", equalTo("chk_1"))
                .withFormParam("mode", equalTo("payment"))
                .withFormParam("line_items[0][price]", equalTo("price_local_pack-200"))
                .withFormParam("metadata[userId]", equalTo("42"))
                .withFormParam("metadata[product]", equalTo("pack-200"))
                .withFormParam("payment_intent_data[metadata][userId]", equalTo("42"))
                .withFormParam("customer_email", equalTo("buyer@example.com")));
    }

    @Test
    void aPlanIsASubscriptionSessionAndCancelIsAtPeriodEnd() {
        stripe.stubFor(post("/v1/checkout/sessions")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"cs_test_2\",\"object\":\"checkout.session\",\"url\":\"https://c/2\"}")));
        stripe.stubFor(post("/v1/subscriptions/sub_9")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"sub_9\",\"object\":\"subscription\",\"cancel_at_period_end\":true}")));

        gateway.create(new CheckoutGateway.Request(
                "chk_2", 7, "b@example.com", catalog.product("proplus-yearly").orElseThrow(), "https://x/ok"));
        gateway.cancel("sub_9");

        stripe.verify(postRequestedFor(urlEqualTo("/v1/checkout/sessions"))
                .withFormParam("mode", equalTo("subscription"))
                .withFormParam("subscription_data[metadata][product]", equalTo("proplus-yearly")));
        stripe.verify(postRequestedFor(urlEqualTo("/v1/subscriptions/sub_9"))
                .withFormParam("cancel_at_period_end", equalTo("true")));
    }

    /**
     * A plan checkout blocks another plan's until its {@code openUntil}; Stripe's page must not be
     * payable after that (its default expiry is a day after its own creation, a moment later than the
     * checkout's), or a user could pay both. Stripe takes 30 min to 24 h after creation.
     */
    @Test
    void aCheckoutSessionExpiresNoLaterThanRenderbankCountsItOpen() {
        stripe.stubFor(post("/v1/checkout/sessions")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"cs_test_3\",\"object\":\"checkout.session\",\"url\":\"https://c/3\"}")));
        java.time.Instant now = java.time.Instant.now();
        java.time.Instant openUntil = now.plus(java.time.Duration.ofHours(24));

        gateway.create(new CheckoutGateway.Request(
                "chk_3", 7, "b@example.com", catalog.product("pro-monthly").orElseThrow(), "https://x/ok", openUntil));

        var sent = stripe.findAll(postRequestedFor(urlEqualTo("/v1/checkout/sessions")));
        assertThat(sent).hasSize(1);
        String form =
                java.net.URLDecoder.decode(sent.get(0).getBodyAsString(), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?:^|&)expires_at=(\\d+)").matcher(form);
        assertThat(m.find()).as(form).isTrue();
        long expiresAt = Long.parseLong(m.group(1));
        assertThat(expiresAt).isLessThanOrEqualTo(openUntil.getEpochSecond());
        assertThat(expiresAt)
                .isGreaterThanOrEqualTo(
                        now.plus(java.time.Duration.ofMinutes(30)).getEpochSecond());
    }

    @Test
    void anErrorFromStripeIsProviderUnavailable() {
        stripe.stubFor(post("/v1/checkout/sessions")
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"No such price\"}}")));
        assertThatThrownBy(() -> gateway.create(new CheckoutGateway.Request(
                        "chk_3", 7, "b@example.com", catalog.product("pack-200").orElseThrow(), "https://x/ok")))
                .isInstanceOf(CheckoutGateway.Unavailable.class)
                .hasMessageContaining("No such price");
    }
}
