package dev.renderbank.billing;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code renderbank.payments.*}. Secrets are not here: they come from the environment
 * ({@code CREEM_API_KEY}, {@code CREEM_WEBHOOK_SECRET}, {@code STRIPE_API_KEY},
 * {@code STRIPE_WEBHOOK_SECRET}), see {@link PaymentSecrets}.
 */
@ConfigurationProperties("renderbank.payments")
public record PaymentsProperties(
        @DefaultValue("simulated") Provider provider,
        @DefaultValue Creem creem,
        @DefaultValue Stripe stripe,
        /** Page the provider sends the buyer back to; relative to renderbank.public-url unless absolute. */
        @DefaultValue("/?checkout=done") String successUrl,
        /** How often failed webhooks and due monthly grants are looked at. */
        @DefaultValue("15s") Duration sweepInterval,
        /** Signature failures within {@code signatureAlertWindow} that raise an operator alert. */
        @DefaultValue("5") int signatureAlertThreshold,
        @DefaultValue("10m") Duration signatureAlertWindow) {

    /**
     * Checked for meaning at start: a zero sweep interval sweeps without pause; the signature alert
     * needs at least one failure within a positive window.
     */
    public PaymentsProperties {
        if (successUrl != null && !successUrl.startsWith("/")) {
            httpUrl(
                    "renderbank.payments.success-url",
                    successUrl,
                    "a path such as /?checkout=done (after" + " renderbank.public-url) or an absolute https URL");
        }
        positive(sweepInterval, "sweep-interval");
        positive(signatureAlertWindow, "signature-alert-window");
        if (signatureAlertThreshold < 1) {
            throw new IllegalArgumentException("renderbank.payments.signature-alert-threshold must be at least 1 (was "
                    + signatureAlertThreshold + ")");
        }
    }

    /**
     * {@code value} as an absolute http(s) URL with a host, else the start stops naming {@code key}:
     * such a value is joined to paths or handed to a provider, and a typo otherwise surfaced only when
     * a buyer pressed Buy (a 503 for everyone) or as an error blamed on the request.
     */
    static void httpUrl(String key, String value, String expected) {
        URI uri;
        try {
            // a provider's template, such as Stripe's {CHECKOUT_SESSION_ID}, is filled in by the provider
            uri = new URI(value.replaceAll("\\{[A-Za-z0-9_]+}", "x"));
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException(key + " must be " + expected + " (was '" + value + "')");
        }
    }

    private static void positive(Duration d, String key) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("renderbank.payments." + key + " must be positive (was " + d + ")");
        }
    }

    public enum Provider {
        SIMULATED,
        CREEM,
        STRIPE
    }

    /**
     * {@code reconcileMaxCalls}: Creem API calls one reconciliation run may make (Creem is read object
     * by object: each open checkout and each subscription due for a renewal is one call or two).
     * {@code checkoutOrigins}: where Creem's checkout pages live.
     */
    public record Creem(
            @DefaultValue(Creem.LIVE_API) String baseUrl,
            @DefaultValue("200") int reconcileMaxCalls,

            @DefaultValue({"https://creem.io", "https://*.creem.io"})
            List<String> checkoutOrigins) {

        /** Creem's live API; anything else ({@code https://test-api.creem.io}, a local fake) is not live. */
        public static final String LIVE_API = "https://api.creem.io";

        public Creem {
            if (baseUrl != null) {
                httpUrl("renderbank.payments.creem.base-url", baseUrl, "an absolute URL such as " + LIVE_API);
            }
            if (reconcileMaxCalls < 1) {
                throw new IllegalArgumentException("renderbank.payments.creem.reconcile-max-calls must be at least 1");
            }
            checkoutOrigins = CheckoutOrigins.checked("renderbank.payments.creem.checkout-origins", checkoutOrigins);
        }
    }

    /**
     * {@code checkoutOrigins}: where Stripe's checkout pages live (its own host, or the custom domain
     * set up for checkout in Stripe's dashboard).
     */
    public record Stripe(
            @DefaultValue(Stripe.LIVE_API) String apiBase,
            @DefaultValue("https://checkout.stripe.com") List<String> checkoutOrigins) {

        public Stripe {
            if (apiBase != null) {
                httpUrl("renderbank.payments.stripe.api-base", apiBase, "an absolute URL such as " + LIVE_API);
            }
            checkoutOrigins = CheckoutOrigins.checked("renderbank.payments.stripe.checkout-origins", checkoutOrigins);
        }

        /** Stripe's API (live or test mode is the key's, not the host's); anything else is a fake. */
        public static final String LIVE_API = "https://api.stripe.com";
    }
}
