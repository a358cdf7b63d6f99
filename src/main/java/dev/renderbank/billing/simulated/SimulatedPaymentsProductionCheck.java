package dev.renderbank.billing.simulated;

import dev.renderbank.platform.ProductionCheck;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Simulated payments mean free credits, so {@code prod} refuses them unless {@code
 * renderbank.allow-simulated-payments-in-prod=true} (a closed staging run, for instance).
 * {@code renderbank.allow-simulators-in-prod} does not cover them: it is about the provider
 * simulator only.
 */
public class SimulatedPaymentsProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        if (SimulatedPayments.on(config)
                && !ProductionCheck.enabled(config, "renderbank.allow-simulated-payments-in-prod")) {
            return List.of("payments are simulated, which hands out free credits (set renderbank.payments.provider to"
                    + " creem or stripe, or renderbank.allow-simulated-payments-in-prod=true)");
        }
        return List.of();
    }
}
