package dev.renderbank.billing.stripe;

import com.stripe.StripeClient;
import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.PaymentSecrets;
import org.springframework.stereotype.Component;

/** The one stripe-java client (checkout and reconciliation), built when first needed; the API base is configurable. */
@Component
class StripeClients {

    private final PaymentsProperties props;
    private final PaymentSecrets secrets;
    private volatile StripeClient client;

    StripeClients(PaymentsProperties props, PaymentSecrets secrets) {
        this.props = props;
        this.secrets = secrets;
    }

    boolean configured() {
        return secrets.stripeApiKey().isPresent();
    }

    StripeClient client() {
        if (client == null) {
            String key = secrets.stripeApiKey().orElseThrow(() -> new Unavailable("STRIPE_API_KEY is not set", null));
            client = StripeClient.builder()
                    .setApiKey(key)
                    .setApiBase(props.stripe().apiBase())
                    .setConnectTimeout(5_000)
                    .setReadTimeout(20_000)
                    .setMaxNetworkRetries(1)
                    .build();
        }
        return client;
    }
}
