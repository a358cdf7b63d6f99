package dev.renderbank.billing.simulated;

import dev.renderbank.billing.PaymentsProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * True when {@code renderbank.payments.provider} binds to {@link PaymentsProperties.Provider#SIMULATED}
 * (any letter case, relaxed names, the default): the same binding {@link Billing} uses. The
 * simulated checkout page, gateway and webhooks exist only then, so with real payments a
 * {@code simulated} checkout stored from an earlier development or beta period has nothing left
 * that could complete it.
 */
class SimulatedPayments implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return on(Binder.get(context.getEnvironment()));
    }

    static boolean on(Binder config) {
        return config.bindOrCreate("renderbank.payments", PaymentsProperties.class)
                        .provider()
                == PaymentsProperties.Provider.SIMULATED;
    }
}
