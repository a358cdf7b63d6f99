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
 * {@code prod} a missing one is logged, and so is a former provider's webhook secret kept without its
 * API key; {@code prod} refuses to start ({@link PaymentSecretsProductionCheck}, which reads them
 * through {@link #missing} and {@link #webhooksWithoutApiKey} like this class does).
 */
@Component
public class PaymentSecrets {

    private static final Logger log = LoggerFactory.getLogger(PaymentSecrets.class);

    private static final String CREEM_API_KEY = "CREEM_API_KEY";
    private static final String CREEM_WEBHOOK_SECRET = "CREEM_WEBHOOK_SECRET";
    private static final String STRIPE_API_KEY = "STRIPE_API_KEY";
    private static final String STRIPE_WEBHOOK_SECRET = "STRIPE_WEBHOOK_SECRET";

    /** The providers whose webhooks may go on after a switch to another: the real ones. */
    static final List<PaymentsProperties.Provider> FORMER =
            List.of(PaymentsProperties.Provider.STRIPE, PaymentsProperties.Provider.CREEM);

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
        for (PaymentsProperties.Provider former : FORMER) {
            if (former != props.provider() && webhooksWithoutApiKey(former, env)) {
                Names names = Names.of(former).orElseThrow();
                log.warn(
                        "{} is set but {} is not: a {} plan still renewing there cannot be cancelled (prod refuses"
                                + " to start like this)",
                        names.webhookSecret(),
                        names.apiKey(),
                        former.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    /** A real provider's API key and webhook secret, by the names they are read under. */
    record Names(String apiKey, String webhookSecret) {

        static Optional<Names> of(PaymentsProperties.Provider provider) {
            return switch (provider) {
                case CREEM -> Optional.of(new Names(CREEM_API_KEY, CREEM_WEBHOOK_SECRET));
                case STRIPE -> Optional.of(new Names(STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET));
                case SIMULATED -> Optional.empty();
            };
        }
    }

    /** The secrets {@code provider} needs that {@code env} lacks (unset or blank), by name. */
    static List<String> missing(PaymentsProperties.Provider provider, PropertyResolver env) {
        List<String> missing = new ArrayList<>();
        List<String> names = Names.of(provider)
                .map(n -> List.of(n.apiKey(), n.webhookSecret()))
                .orElse(List.of());
        for (String name : names) {
            if (!StringUtils.hasText(env.getProperty(name))) {
                missing.add(name);
            }
        }
        return missing;
    }

    /**
     * Whether {@code former}'s webhooks are processed (its webhook secret set, as after a switch to
     * another provider) without its API key. Its plans still renew there, and only its API cancels one:
     * a user's cancel and an account deletion's cancellation fail for as long as the key is missing, and
     * the provider goes on charging. Stripe's refunds also need the key: without it they are moved to
     * the refunded total each event carried, and a redelivered older event (a lower total) reads as a
     * failed refund and gives credits back.
     */
    static boolean webhooksWithoutApiKey(PaymentsProperties.Provider former, PropertyResolver env) {
        return Names.of(former)
                .filter(n -> StringUtils.hasText(env.getProperty(n.webhookSecret())))
                .filter(n -> !StringUtils.hasText(env.getProperty(n.apiKey())))
                .isPresent();
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
