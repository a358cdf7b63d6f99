package dev.renderbank.provider.simulator;

import dev.renderbank.provider.internal.ProviderProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * True while the simulator stands in for KIE.ai: the same {@link ProviderProperties} binding and
 * rule ({@code kie.simulated()}) the provider gateway uses. Beans that serve the simulator over
 * HTTP are registered only then, so with a real key {@code /sim/**} does not exist at all.
 */
class SimulatorRuns implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return runs(Binder.get(context.getEnvironment()));
    }

    static boolean runs(Binder config) {
        return config.bindOrCreate("renderbank.provider", ProviderProperties.class)
                .kie()
                .simulated();
    }
}
