package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.ProductionCheck;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.PropertyResolver;

/**
 * Creem or Stripe without the webhook secret refuses every webhook, so each paid purchase would
 * wait for reconciliation; without the API key no checkout opens. {@code prod} therefore refuses
 * to start without both, instead of only logging it. The provider is bound as the app binds it;
 * the secrets are read by their exact names, as {@link PaymentSecrets} reads them.
 */
public class PaymentSecretsProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config, PropertyResolver env) {
        PaymentsProperties.Provider provider = config.bindOrCreate("renderbank.payments", PaymentsProperties.class)
                .provider();
        return PaymentSecrets.missing(provider, env).stream()
                .map(name -> name + " is not set but renderbank.payments.provider is "
                        + provider.name().toLowerCase(Locale.ROOT)
                        + ": its webhooks would all be refused and paid purchases would wait for reconciliation")
                .toList();
    }
}
