package dev.renderbank.provider.simulator;

import dev.renderbank.platform.ProductionCheck;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * The built-in provider simulator in {@code prod} only with {@code
 * renderbank.allow-simulators-in-prod=true} (a staging run). It costs no money, but every job
 * would "succeed" with drawn pictures. That switch covers this simulator only; simulated payments
 * have their own, because they hand out credits.
 */
public class SimulatorProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        if (SimulatorRuns.runs(config) && !ProductionCheck.enabled(config, "renderbank.allow-simulators-in-prod")) {
            return List.of(
                    "no provider key: the built-in provider simulator would run (set renderbank.provider.kie.api-key)");
        }
        return List.of();
    }
}
