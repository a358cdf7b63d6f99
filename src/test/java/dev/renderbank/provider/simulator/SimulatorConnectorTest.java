package dev.renderbank.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.internal.ProviderProperties;
import java.util.Map;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
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

    /**
     * Boot applies its connector settings to the API's connector only; the simulator's connector is a
     * public path too (loopback, but reachable by anything on the machine) and gets the same form
     * limit, slow-client timeout and header limit, with its own port, address and threads.
     */
    @Test
    void theSimulatorsConnectorHasTheApisLimits() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        new WebApplicationContextRunner(AnnotationConfigServletWebServerApplicationContext::new)
                .withConfiguration(AutoConfigurations.of(TomcatServletWebServerAutoConfiguration.class))
                .withUserConfiguration(Properties.class, SimulatorConnector.class)
                .withPropertyValues(
                        "server.port=0",
                        "server.tomcat.connection-timeout=7s",
                        "server.tomcat.max-http-form-post-size=12345",
                        "server.max-http-request-header-size=9KB",
                        "renderbank.simulator.port=" + port,
                        "renderbank.simulator.threads=3")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    var server = (TomcatWebServer)
                            ((ServletWebServerApplicationContext) ctx.getSourceApplicationContext()).getWebServer();
                    Connector[] connectors = server.getTomcat().getService().findConnectors();
                    assertThat(connectors).hasSize(2);
                    Connector api = connectors[0];
                    Connector simulator = connectors[1];
                    assertThat(simulator.getPort()).isEqualTo(port);
                    assertThat(api.getMaxPostSize()).isEqualTo(12345);
                    assertThat(simulator.getMaxPostSize()).as("form limit").isEqualTo(12345);
                    var protocol = (AbstractHttp11Protocol<?>) simulator.getProtocolHandler();
                    assertThat(protocol.getConnectionTimeout())
                            .as("slow clients")
                            .isEqualTo(7000);
                    assertThat(protocol.getMaxHttpRequestHeaderSize()).isEqualTo(9 * 1024);
                    assertThat(protocol.getMaxThreads()).isEqualTo(3);
                    assertThat(protocol.getAddress()).isEqualTo(java.net.InetAddress.getLoopbackAddress());
                    assertThat(((AbstractHttp11Protocol<?>) api.getProtocolHandler()).getMaxThreads())
                            .as("the API's threads are not the simulator's")
                            .isNotEqualTo(3);
                });
    }
}
