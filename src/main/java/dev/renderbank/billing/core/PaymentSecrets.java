package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Payment secrets, only from the environment. Unset means "refuse": a webhook endpoint without its
 * secret accepts nothing. The simulated checkout needs none (it never signs anything).
 */
@Component
public class PaymentSecrets {

    private static final Logger log = LoggerFactory.getLogger(PaymentSecrets.class);

    private final String creemApiKey;
    private final String creemWebhookSecret;
    private final String stripeApiKey;
    private final String stripeWebhookSecret;

    public PaymentSecrets(Environment env, PaymentsProperties props) {
        this.creemApiKey = env.getProperty("CREEM_API_KEY");
        this.stripeApiKey = env.getProperty("STRIPE_API_KEY");
        this.stripeWebhookSecret = env.getProperty("STRIPE_WEBHOOK_SECRET");
        this.creemWebhookSecret = env.getProperty("CREEM_WEBHOOK_SECRET");
        if (props.provider() == PaymentsProperties.Provider.CREEM
                && (!StringUtils.hasText(creemApiKey) || !StringUtils.hasText(creemWebhookSecret))) {
            log.error("renderbank.payments.provider=creem but CREEM_API_KEY or CREEM_WEBHOOK_SECRET is not set");
        }
        if (props.provider() == PaymentsProperties.Provider.STRIPE
                && (!StringUtils.hasText(stripeApiKey) || !StringUtils.hasText(stripeWebhookSecret))) {
            log.error("renderbank.payments.provider=stripe but STRIPE_API_KEY or STRIPE_WEBHOOK_SECRET is not set");
        }
    }

    public Optional<String> creemApiKey() {
        return nonBlank(creemApiKey);
    }

    public Optional<String> creemWebhookSecret() {
        return nonBlank(creemWebhookSecret);
    }

    public Optional<String> stripeApiKey() {
        return nonBlank(stripeApiKey);
    }

    public Optional<String> stripeWebhookSecret() {
        return nonBlank(stripeWebhookSecret);
    }

    private static Optional<String> nonBlank(String s) {
        return StringUtils.hasText(s) ? Optional.of(s) : Optional.empty();
    }
}
