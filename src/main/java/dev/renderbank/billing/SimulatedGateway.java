package dev.renderbank.billing;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** No provider: the checkout is a local page whose "Pay" sends a signed Creem-format webhook. */
@Component
class SimulatedGateway implements CheckoutGateway {

    private final String publicUrl;

    SimulatedGateway(@Value("${renderbank.public-url}") String publicUrl) {
        this.publicUrl = publicUrl;
    }

    @Override
    public PaymentsProperties.Provider mode() {
        return PaymentsProperties.Provider.SIMULATED;
    }

    @Override
    public Session create(Request request) {
        return new Session(publicUrl + "/checkout/simulated/" + request.checkoutId(), request.checkoutId());
    }

    @Override
    public void cancel(String subscriptionId) {
        // nothing to tell: the simulated provider never renews
    }
}
