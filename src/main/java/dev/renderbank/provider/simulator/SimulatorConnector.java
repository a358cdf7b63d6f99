package dev.renderbank.provider.simulator;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code renderbank.simulator.port} set (and no KIE key), the simulator is called on a Tomcat
 * connector of its own: its own port and request threads, so the app's calls to its provider never
 * wait for, or take, the threads that serve the API (the benchmark then measures the app, not the
 * simulator sharing its pool). Same application, same endpoints; the simulator stays a real HTTP
 * provider.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${renderbank.simulator.port:0} > 0 and '${renderbank.provider.kie.api-key:}' == ''")
class SimulatorConnector {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> simulatorTomcatConnector(SimulatorProperties props) {
        return factory -> {
            Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
            connector.setPort(props.port());
            if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
                protocol.setAddress(java.net.InetAddress.getLoopbackAddress());
                protocol.setMaxThreads(props.threads());
                protocol.setMinSpareThreads(Math.min(4, props.threads()));
            }
            factory.addAdditionalConnectors(connector);
        };
    }
}
