package dev.renderbank.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.provider.internal.ProviderProperties;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;

/**
 * {@code renderbank.simulator.api-key}: the bearer key the simulator accepts can be fixed, so a second
 * renderbank process (bench/generate's "provider") can be called by the benchmarked one with that key
 * as its {@code renderbank.provider.kie.api-key}; unset, every start draws its own key.
 */
class SimulatorApiKeyTest {

    private static final String KEY = "bench-provider-key-0123456789abcdef";

    private static SimulatorProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate("renderbank.simulator", SimulatorProperties.class);
    }

    private static KieSimulator simulator(SimulatorProperties props) {
        ProviderProperties provider = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("renderbank.provider", ProviderProperties.class);
        return new KieSimulator(props, provider, null, new MockEnvironment(), Clock.systemUTC());
    }

    @Test
    void aConfiguredKeyIsTheOneTheSimulatorAcceptsAndNoOther() {
        KieSimulator simulator = simulator(bind(Map.of("renderbank.simulator.api-key", KEY)));

        assertThat(simulator.apiKey()).isEqualTo(KEY);
        assertThat(simulator.acceptsKey("Bearer " + KEY)).isTrue();
        assertThat(simulator.acceptsKey("Bearer " + KEY + "x")).isFalse();
        assertThat(simulator.acceptsKey("Bearer " + simulator(bind(Map.of())).apiKey()))
                .isFalse();
        assertThat(simulator.acceptsKey(null)).isFalse();
    }

    @Test
    void withoutAConfiguredKeyEachStartDrawsItsOwn() {
        KieSimulator one = simulator(bind(Map.of()));
        KieSimulator two = simulator(bind(Map.of()));

        assertThat(one.apiKey()).startsWith("sim-").isNotEqualTo(two.apiKey());
        assertThat(one.acceptsKey("Bearer " + two.apiKey())).isFalse();
    }

    @Test
    void aShortOrBlankKeyStopsTheStartNamingTheKey() {
        for (String weak : new String[] {"", "   ", "short-key", "a key with spaces in it, long enough"}) {
            assertThatThrownBy(() -> bind(Map.of("renderbank.simulator.api-key", weak)))
                    .as("api-key '%s'", weak)
                    .hasRootCauseInstanceOf(IllegalArgumentException.class)
                    .rootCause()
                    .hasMessageContaining("renderbank.simulator.api-key");
        }
    }
}
