package dev.renderbank.billing;

import dev.renderbank.support.PropertyRanges;
import org.junit.jupiter.api.Test;

/**
 * The payment settings that are URLs are checked at start: they are joined to the public URL or
 * handed to a provider, so a typo otherwise surfaced only when a buyer pressed Buy (the provider
 * refused the return URL: a 503 for everyone, nothing sold) or as an error blamed on the request.
 */
class PaymentUrlSettingsTest {

    final PropertyRanges.Ranges payments = PropertyRanges.of(PaymentsProperties.class);

    @Test
    void theReturnPageIsAPathOrAnAbsoluteUrl() {
        payments.refused(
                "renderbank.payments.success-url",
                "checkout=done",
                "?checkout=done",
                "shop.example.com/done",
                "ftp://shop.example.com/done",
                "https://",
                "https://bad host/x");
        payments.accepted(
                "renderbank.payments.success-url",
                "/?checkout=done",
                "/credits",
                "https://shop.example.com/thanks?checkout=done",
                "https://shop.example.com/thanks?session_id={CHECKOUT_SESSION_ID}",
                "HTTPS://shop.example.com/thanks",
                "/?session_id={CHECKOUT_SESSION_ID}",
                "http://localhost:8080/");
    }

    @Test
    void providerApiBasesAreAbsoluteUrls() {
        payments.refused("renderbank.payments.stripe.api-base", "api.stripe.com", "/v1", "stripe");
        payments.refused("renderbank.payments.creem.base-url", "api.creem.io", "test-api", "https//api.creem.io");
        payments.accepted("renderbank.payments.stripe.api-base", "https://api.stripe.com", "http://127.0.0.1:12111");
        payments.accepted("renderbank.payments.creem.base-url", "https://test-api.creem.io", "http://localhost:9000");
    }
}
