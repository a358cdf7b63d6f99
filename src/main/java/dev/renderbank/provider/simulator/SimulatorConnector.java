package dev.renderbank.provider.simulator;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With {@code renderbank.simulator.port} set (and no KIE key), the simulator is called on a Tomcat
 * connector of its own: its own port and request threads, so the app's calls to its provider never
 * wait for, or take, the threads that serve the API (the benchmark then measures the app, not the
 * simulator sharing its pool). Same application, same endpoints; the simulator stays a real HTTP
 * provider. Whether the simulator runs is the typed binding the gateway uses ({@link SimulatorRuns}),
 * not the key's raw text in an expression: a blank key (simulator, no connector: nobody answered the
 * gateway) and a key with a quote (a start that failed, printing the key) disagreed with it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(SimulatorConnector.OwnPort.class)
class SimulatorConnector {

    /** The simulator runs and has a port of its own. */
    static class OwnPort implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Binder config = Binder.get(context.getEnvironment());
            return SimulatorRuns.runs(config)
                    && config.bind("renderbank.simulator.port", Integer.class).orElse(0) > 0;
        }
    }

    /**
     * The connector gets every limit the API's connector has: Boot applies the factory's connector and
     * protocol customizers (the form limit bound from {@code renderbank.http.max-body}, {@code
     * server.tomcat.connection-timeout} against slow clients, header and connection limits) to its
     * own connector only, so they are applied to this one too, once all customizers are registered
     * (a context customizer runs when the server is built, after every factory customizer); then its
     * own port, loopback address and threads.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> simulatorTomcatConnector(SimulatorProperties props) {
        return factory -> {
            Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
            factory.addContextCustomizers(context -> sameLimitsAsTheApi(factory, connector, props));
            factory.addAdditionalConnectors(connector);
        };
    }

    @SuppressWarnings("unchecked")
    static void sameLimitsAsTheApi(
            TomcatServletWebServerFactory factory, Connector connector, SimulatorProperties props) {
        factory.getConnectorCustomizers().forEach(c -> c.customize(connector));
        ProtocolHandler handler = connector.getProtocolHandler();
        LambdaSafe.callbacks(TomcatProtocolHandlerCustomizer.class, factory.getProtocolHandlerCustomizers(), handler)
                .invoke(c -> c.customize(handler));
        connector.setPort(props.port());
        if (handler instanceof AbstractProtocol<?> protocol) {
            protocol.setAddress(java.net.InetAddress.getLoopbackAddress());
            protocol.setMaxThreads(props.threads());
            protocol.setMinSpareThreads(Math.min(4, props.threads()));
        }
    }
}
