package dev.renderbank.provider.simulator;

import dev.renderbank.platform.ProductionCheck;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * The built-in provider simulator in {@code prod} only with {@code
 * renderbank.allow-simulators-in-prod=true} (a staging run). It costs no money, but every job
 * would "succeed" with drawn pictures. That switch covers this simulator only; simulated payments
 * have their own, because they hand out credits.
 *
 * <p>Downloads from private addresses ({@code renderbank.download.allow-private-hosts=true}) are
 * for the simulator's result URLs, which point at this app: {@code prod} allows them only while the
 * simulator actually runs ({@link SimulatorRuns}, the gateway's own rule), not whenever the switch
 * is on. A switch left over from staging next to a real KIE key would otherwise let any output URL
 * reach internal addresses.
 */
public class SimulatorProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        boolean runs = SimulatorRuns.runs(config);
        boolean allowed = ProductionCheck.enabled(config, "renderbank.allow-simulators-in-prod");
        List<String> problems = new ArrayList<>();
        if (runs && !allowed) {
            problems.add(
                    "no provider key: the built-in provider simulator would run (set renderbank.provider.kie.api-key)");
        }
        if (ProductionCheck.enabled(config, "renderbank.download.allow-private-hosts") && !(runs && allowed)) {
            problems.add("renderbank.download.allow-private-hosts=true lets provider output URLs reach internal"
                    + " addresses (prod allows it only while the built-in provider simulator runs)");
        }
        return problems;
    }
}
