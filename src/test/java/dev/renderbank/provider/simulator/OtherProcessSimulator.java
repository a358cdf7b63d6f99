package dev.renderbank.provider.simulator;

import dev.renderbank.provider.internal.ProviderProperties;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;

/**
 * The simulator bean as the command line builds it ({@code java -jar renderbank.jar reconcile}): a
 * process without a web server, configured like the service (no KIE key, no simulator key), so its
 * simulator draws a key of its own and points at the service's port, where the service's simulator
 * answers with another key.
 */
public final class OtherProcessSimulator {

    private OtherProcessSimulator() {}

    public static KieSimulator withoutServer(int servicePort) {
        SimulatorProperties props = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("renderbank.simulator", SimulatorProperties.class);
        ProviderProperties provider = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("renderbank.provider", ProviderProperties.class);
        MockEnvironment environment = new MockEnvironment().withProperty("server.port", String.valueOf(servicePort));
        return new KieSimulator(props, provider, null, environment, Clock.systemUTC());
    }
}
