package dev.renderbank.provider.internal;

import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.ProcessRole;
import dev.renderbank.provider.CommandLineKeyRefusal;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.ProviderStatus;
import dev.renderbank.provider.simulator.KieSimulator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link ProviderGateway}: KIE.ai when a key is configured, else the built-in simulator over
 * HTTP. A node of the service trips the shared provider status on the provider's refusals ({@link
 * TrippingGateway}); the operator command line never does ({@link CommandLineGateway}).
 */
@Configuration(proxyBeanMethods = false)
class ProviderConfig {

    private static final Logger log = LoggerFactory.getLogger(ProviderConfig.class);

    @Bean
    ProviderGateway providerGateway(
            ProviderProperties properties,
            KieSimulator simulator,
            ProviderStatus status,
            MeterRegistry meters,
            OperatorAlerts alerts,
            Clock clock,
            ProcessRole role,
            CommandLineKeyRefusal refusal) {
        ProviderProperties.Kie kie = properties.kie();
        Supplier<KieEndpoint> endpoint;
        if (kie.simulated()) {
            log.info("No renderbank.provider.kie.api-key: generations go to the built-in KIE simulator under /sim/kie");
            // the port is known only once the server listens (and is random in tests): resolve per call
            endpoint = () -> new KieEndpoint(simulator.baseUrl(), simulator.apiKey());
        } else {
            KieEndpoint fixed = new KieEndpoint(kie.baseUrl(), kie.apiKey());
            endpoint = () -> fixed;
        }
        ProviderGateway http = new KieHttpGateway(
                endpoint,
                kie.connectTimeout(),
                kie.readTimeout(),
                kie.totalTimeout(),
                KieHttpGateway.defaultBreaker(),
                meters,
                failures(role, alerts, clock, kie.failingAlertAfter()));
        if (kie.simulated()) {
            // the command line: no simulator of its own, and the service's refuses its key
            http = new UnreachableSimulator(http, simulator::unreachable);
        }
        if (role == ProcessRole.COMMAND_LINE) {
            return new CommandLineGateway(http, refusal);
        }
        return new TrippingGateway(http, status, taskCosts(properties));
    }

    /**
     * The spell of failing calls this process's gateway keeps: none in a command, whose calls are one
     * operator's shell's (its stale key or network says nothing of the nodes' provider, and a command
     * must neither raise nor end the {@code provider.failing} spell the nodes share).
     */
    static ProviderFailures failures(ProcessRole role, OperatorAlerts alerts, Clock clock, Duration alertAfter) {
        return role == ProcessRole.COMMAND_LINE
                ? ProviderFailures.ignored()
                : new ProviderFailures(alerts, clock, alertAfter);
    }

    /**
     * What a refused task costs at the provider, by model: the configured {@code task-costs}, else the
     * simulator's own price when it is the provider, else 0 (unknown: the resume threshold applies).
     */
    static ToLongFunction<String> taskCosts(ProviderProperties properties) {
        Map<String, Long> configured = properties.balance().taskCosts();
        boolean simulated = properties.kie().simulated();
        return model -> {
            Long cost = model == null ? null : configured.get(model);
            if (cost != null) {
                return cost;
            }
            return simulated && model != null ? KieSimulator.taskCost(model) : 0;
        };
    }
}
