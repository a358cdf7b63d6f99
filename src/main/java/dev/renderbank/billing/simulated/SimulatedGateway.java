package dev.renderbank.billing.simulated;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.core.CheckoutGateway;
import dev.renderbank.platform.PublicUrl;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * No provider: the checkout is a local page whose "Pay" hands Creem-format events to the webhook
 * intake. Only while payments are simulated.
 */
@Component
@Conditional(SimulatedPayments.class)
class SimulatedGateway implements CheckoutGateway {

    private final PublicUrl publicUrl;

    SimulatedGateway(PublicUrl publicUrl) {
        this.publicUrl = publicUrl;
    }

    @Override
    public PaymentsProperties.Provider mode() {
        return PaymentsProperties.Provider.SIMULATED;
    }

    @Override
    public Session create(Request request) {
        return new Session(publicUrl.get() + "/checkout/simulated/" + request.checkoutId(), request.checkoutId());
    }

    @Override
    public void cancel(String subscriptionId) {
        // nothing to tell: the simulated provider never renews
    }
}
