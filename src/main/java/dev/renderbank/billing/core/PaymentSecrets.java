package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertyResolver;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Payment secrets, only from the environment. Unset means "refuse": a webhook endpoint without its
 * secret accepts nothing. The simulated checkout needs none (it never signs anything). Outside
 * {@code prod} a missing one is logged; {@code prod} refuses to start ({@link
 * PaymentSecretsProductionCheck}, which reads them through {@link #missing} like this class does).
 */
@Component
public class PaymentSecrets {

    private static final Logger log = LoggerFactory.getLogger(PaymentSecrets.class);

    private static final String CREEM_API_KEY = "CREEM_API_KEY";
    private static final String CREEM_WEBHOOK_SECRET = "CREEM_WEBHOOK_SECRET";
    private static final String STRIPE_API_KEY = "STRIPE_API_KEY";
    private static final String STRIPE_WEBHOOK_SECRET = "STRIPE_WEBHOOK_SECRET";

    private final String creemApiKey;
    private final String creemWebhookSecret;
    private final String stripeApiKey;
    private final String stripeWebhookSecret;

    public PaymentSecrets(Environment env, PaymentsProperties props) {
        this.creemApiKey = env.getProperty(CREEM_API_KEY);
        this.stripeApiKey = env.getProperty(STRIPE_API_KEY);
        this.stripeWebhookSecret = env.getProperty(STRIPE_WEBHOOK_SECRET);
        this.creemWebhookSecret = env.getProperty(CREEM_WEBHOOK_SECRET);
        List<String> missing = missing(props.provider(), env);
        if (!missing.isEmpty()) {
            log.error(
                    "renderbank.payments.provider={} but {} is not set",
                    props.provider().name().toLowerCase(Locale.ROOT),
                    String.join(" and ", missing));
        }
    }

    /** The secrets {@code provider} needs that {@code env} lacks (unset or blank), by name. */
    static List<String> missing(PaymentsProperties.Provider provider, PropertyResolver env) {
        List<String> names = switch (provider) {
            case CREEM -> List.of(CREEM_API_KEY, CREEM_WEBHOOK_SECRET);
            case STRIPE -> List.of(STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET);
            case SIMULATED -> List.of();
        };
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!StringUtils.hasText(env.getProperty(name))) {
                missing.add(name);
            }
        }
        return missing;
    }

    /**
     * Whether Stripe's webhooks are processed ({@code STRIPE_WEBHOOK_SECRET} set, as after a switch to
     * another provider) without {@code STRIPE_API_KEY}: its refunds are then moved to the refunded
     * total of the charge as each event carried it, and a redelivered older event (a lower total)
     * reads as a failed refund and gives credits back.
     */
    static boolean stripeWebhooksWithoutApiKey(PropertyResolver env) {
        return StringUtils.hasText(env.getProperty(STRIPE_WEBHOOK_SECRET))
                && !StringUtils.hasText(env.getProperty(STRIPE_API_KEY));
    }

    /**
     * The API keys {@code provider} would use that are the provider's test-mode keys (Stripe's
     * {@code sk_test_}/{@code rk_test_}, Creem's {@code creem_test_}), by name: with them a test
     * card "pays" and the webhook grants real credits.
     */
    static List<String> testModeKeys(PaymentsProperties.Provider provider, PropertyResolver env) {
        return switch (provider) {
            case STRIPE -> startsWith(env, STRIPE_API_KEY, "sk_test_", "rk_test_");
            case CREEM -> startsWith(env, CREEM_API_KEY, "creem_test_");
            case SIMULATED -> List.of();
        };
    }

    private static List<String> startsWith(PropertyResolver env, String name, String... prefixes) {
        String value = env.getProperty(name);
        if (value == null) {
            return List.of();
        }
        for (String prefix : prefixes) {
            if (value.strip().startsWith(prefix)) {
                return List.of(name);
            }
        }
        return List.of();
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
