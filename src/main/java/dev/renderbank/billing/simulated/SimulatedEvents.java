package dev.renderbank.billing.simulated;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.core.EventHandler;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.creem.CreemEvents;
import dev.renderbank.billing.db.PaymentEventStore;
import org.springframework.stereotype.Component;

/**
 * The events of the simulated checkout (provider {@code simulated}, Creem's format). While payments
 * are simulated they are applied like Creem's; once payments are real, any still stored (a retry
 * due from a development or beta period on the same database) is ignored, so a payment nobody made
 * is never granted. Registered in every mode for exactly that reason.
 */
@Component
class SimulatedEvents implements EventHandler {

    static final String PROVIDER = "simulated";

    private final CreemEvents creem;
    private final PaymentsProperties payments;

    SimulatedEvents(CreemEvents creem, PaymentsProperties payments) {
        this.creem = creem;
        this.payments = payments;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Outcome handle(PaymentEventStore.Stored event) {
        if (payments.provider() != PaymentsProperties.Provider.SIMULATED) {
            return new Outcome.Ignored("a simulated payment is never granted while payments are "
                    + payments.provider().name().toLowerCase(java.util.Locale.ROOT));
        }
        return creem.handle(event);
    }
}
