package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.ProductionCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.PropertyResolver;

/**
 * Creem or Stripe without the webhook secret refuses every webhook, so each paid purchase would
 * wait for reconciliation; without the API key no checkout opens. {@code prod} therefore refuses
 * to start without both, instead of only logging it. The provider is bound as the app binds it;
 * the secrets are read by their exact names, as {@link PaymentSecrets} reads them.
 *
 * <p>A former provider's webhooks, processed while its secret is set (after a switch to another
 * provider, as README says to keep it until its subscriptions have ended), need its API key too:
 * its plans still renew there and only its API cancels one (a user's cancel, an account deletion's),
 * and Stripe's refunded total of a charge is read from Stripe, not from the event. Creem and Stripe
 * alike: without Creem's key a deleted customer's Creem plan went on being charged every month.
 *
 * <p>Nor does {@code prod} start in the provider's test mode unless {@value #ALLOW_TEST_MODE} is
 * true (a staging run): with a test key ({@code sk_test_}, {@code rk_test_}, {@code creem_test_})
 * or an API address other than the provider's live one (Creem's test API, a fake), anyone pays
 * with a test card and gets credits that buy real provider jobs.
 */
public class PaymentSecretsProductionCheck implements ProductionCheck {

    static final String ALLOW_TEST_MODE = PaymentTestMode.ALLOW;

    @Override
    public List<String> problems(Binder config, PropertyResolver env) {
        PaymentsProperties payments = config.bindOrCreate("renderbank.payments", PaymentsProperties.class);
        PaymentsProperties.Provider provider = payments.provider();
        String name = provider.name().toLowerCase(Locale.ROOT);
        List<String> problems = new ArrayList<>(PaymentSecrets.missing(provider, env).stream()
                .map(secret -> secret + " is not set but renderbank.payments.provider is " + name
                        + ": its webhooks would all be refused and paid purchases would wait for reconciliation")
                .toList());
        for (PaymentsProperties.Provider former : PaymentSecrets.FORMER) {
            if (former != provider && PaymentSecrets.webhooksWithoutApiKey(former, env)) {
                problems.add(keptWithoutApiKey(former));
            }
        }
        if (ProductionCheck.enabled(config, ALLOW_TEST_MODE)) {
            return problems;
        }
        for (String key : PaymentSecrets.testModeKeys(provider, env)) {
            problems.add(key + " is a " + name + " test-mode key: a test card would buy real credits (set "
                    + ALLOW_TEST_MODE + "=true for a staging run)");
        }
        String api = switch (provider) {
            case STRIPE ->
                notLive(
                        "renderbank.payments.stripe.api-base",
                        payments.stripe().apiBase(),
                        PaymentsProperties.Stripe.LIVE_API);
            case CREEM ->
                notLive(
                        "renderbank.payments.creem.base-url",
                        payments.creem().baseUrl(),
                        PaymentsProperties.Creem.LIVE_API);
            case SIMULATED -> null;
        };
        if (api != null) {
            problems.add(api);
        }
        return problems;
    }

    /** Why {@code former}'s webhook secret, kept after a switch, needs its API key; names both. */
    private static String keptWithoutApiKey(PaymentsProperties.Provider former) {
        return switch (former) {
            case STRIPE ->
                "STRIPE_WEBHOOK_SECRET is set (Stripe's webhooks are processed, its plans still renew there) but"
                        + " STRIPE_API_KEY is not: a refund would be read from the event's own copy of the charge (a"
                        + " late older copy would give refunded credits back), and a Stripe plan could not be"
                        + " cancelled; set STRIPE_API_KEY, or unset STRIPE_WEBHOOK_SECRET once no Stripe plan runs and"
                        + " no Stripe purchase needs its webhooks";
            case CREEM ->
                "CREEM_WEBHOOK_SECRET is set (Creem's webhooks are processed, its plans still renew there) but"
                        + " CREEM_API_KEY is not: a Creem plan could not be cancelled, by its user (503) or by an"
                        + " account deletion (Creem would go on charging the deleted customer); set CREEM_API_KEY,"
                        + " or unset CREEM_WEBHOOK_SECRET once no Creem plan runs and no Creem purchase needs its"
                        + " webhooks";
            case SIMULATED -> throw new IllegalArgumentException("the simulated provider has no webhook secret");
        };
    }

    private static String notLive(String key, String value, String live) {
        String v = value == null ? "" : value.strip().replaceAll("/+$", "");
        if (v.equalsIgnoreCase(live)) {
            return null;
        }
        return key + "=" + value + " is not the live API (" + live + "): a test API's payments would buy real"
                + " credits (set " + ALLOW_TEST_MODE + "=true for a staging run)";
    }
}
