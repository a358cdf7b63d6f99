package dev.renderbank.billing.core;

import dev.renderbank.platform.ProductionCheck;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * A payment provider's test mode under {@code prod}: refused unless {@value #ALLOW} is true (a
 * staging run). At start {@link PaymentSecretsProductionCheck} refuses test keys and test APIs; this
 * is the same rule for each event, in case a test-mode event arrives signed anyway (a test endpoint
 * sharing the live one's secret): it grants nothing.
 */
@Component
public class PaymentTestMode {

    public static final String ALLOW = "renderbank.payments.allow-test-mode-in-prod";

    private final boolean refused;

    public PaymentTestMode(Environment env) {
        this.refused = env.matchesProfiles("prod") && !ProductionCheck.enabled(Binder.get(env), ALLOW);
    }

    /** True under {@code prod} without {@value #ALLOW}: a test-mode event is acknowledged and ignored. */
    public boolean refused() {
        return refused;
    }
}
