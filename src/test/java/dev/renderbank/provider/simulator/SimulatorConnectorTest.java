package dev.renderbank.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.internal.ProviderProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

/**
 * The simulator's own connector ({@code renderbank.simulator.port}) exists exactly while the
 * simulator runs, decided by the same typed binding of the KIE key the provider gateway uses
 * ({@link SimulatorRuns}): a key written in another relaxed form ({@code apiKey}) is a real key, a
 * blank one is none, and no character of a key may break the application's start (or reach its log).
 */
class SimulatorConnectorTest {

    @EnableConfigurationProperties({SimulatorProperties.class, ProviderProperties.class})
    static class Properties {}

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withUserConfiguration(Properties.class, SimulatorConnector.class)
                .withPropertyValues("renderbank.simulator.port=18999");
    }

    @Test
    void withoutAKeyTheSimulatorGetsItsConnector() {
        runner().run(ctx -> assertThat(ctx).hasBean("simulatorTomcatConnector"));
    }

    @Test
    void aRealKeyInCamelCaseMeansNoSimulatorAndNoConnector() {
        runner().withPropertyValues("renderbank.provider.kie.apiKey=kie-real-key-0123456789")
                .run(ctx -> {
                    assertThat(SimulatorRuns.runs(Binder.get(ctx.getEnvironment())))
                            .as("the gateway reads a real key")
                            .isFalse();
                    assertThat(ctx).hasNotFailed().doesNotHaveBean("simulatorTomcatConnector");
                });
    }

    @Test
    void aBlankKeyRunsTheSimulatorSoItGetsItsConnector() {
        // the gateway then calls the simulator on its own port: without the connector nobody answers
        runner().withInitializer(ctx -> ctx.getEnvironment()
                        .getPropertySources()
                        .addFirst(new MapPropertySource("blank-key", Map.of("renderbank.provider.kie.api-key", "   "))))
                .run(ctx -> assertThat(ctx).hasNotFailed().hasBean("simulatorTomcatConnector"));
    }

    @Test
    void aRealKeyWithAQuoteStartsWithoutAConnector() {
        runner().withPropertyValues("renderbank.provider.kie.api-key=kie'real-key-0123456789")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("simulatorTomcatConnector"));
    }
}
