package dev.renderbank.billing.core;

import dev.renderbank.billing.CheckoutOrigins;
import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.ContentSources;
import dev.renderbank.platform.PublicUrl;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The checkout's origins in the pages' CSP {@code form-action}: the buy button posts to /buy, which
 * redirects to the provider's checkout, and Chromium and WebKit stop a form submission's redirect to
 * an origin the submitting page's {@code form-action} does not name (with {@code 'self'} alone nobody
 * could pay at Stripe or Creem). The origins of the provider new checkouts go to: Stripe's or Creem's
 * {@code checkout-origins}, or for the simulated provider the public URL's origin (its checkout page is
 * served there, which may not be the origin the browser is on).
 */
@Component
public class CheckoutContentSources implements ContentSources {

    private static final Logger log = LoggerFactory.getLogger(CheckoutContentSources.class);

    private final PaymentsProperties props;
    private final PublicUrl publicUrl;

    CheckoutContentSources(PaymentsProperties props, PublicUrl publicUrl) {
        this.props = props;
        this.publicUrl = publicUrl;
    }

    @Override
    public List<String> formActions() {
        return switch (props.provider()) {
            case STRIPE -> props.stripe().checkoutOrigins();
            case CREEM -> props.creem().checkoutOrigins();
            case SIMULATED -> List.of(origin(publicUrl.get()));
        };
    }

    /**
     * Logs a checkout whose URL lies outside {@link #formActions}: browsers will stop the buyer at the
     * redirect, and only this line tells an operator which key to set.
     */
    public void warnIfOutside(String checkoutId, String url) {
        List<String> origins = formActions();
        if (!CheckoutOrigins.covers(origins, url)) {
            log.warn(
                    "Checkout {} goes to {}, whose origin is not among {} (renderbank.payments.{}.checkout-origins):"
                            + " browsers stop the buyer at the redirect; add its origin there",
                    checkoutId,
                    origin(url),
                    origins,
                    props.provider().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }
}
