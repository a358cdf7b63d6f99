package dev.renderbank.platform;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Tomcat parses form bodies itself, reading past {@link BodySizeLimit}'s stream, so its form limit
 * (the connector's {@code maxPostSize}) is set here to {@code renderbank.http.max-body} as bound by
 * {@link HttpProperties}. A placeholder in {@code server.tomcat.*} read the raw text instead: a
 * blank setting bound to the 1 MB default here but gave Tomcat nothing, and it kept its own 2 MB.
 * Runs after Boot's customizer, whose connector setting it replaces.
 */
@Component
class TomcatFormLimit implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    private final int maxPostSize;

    TomcatFormLimit(HttpProperties http) {
        this.maxPostSize = (int) Math.min(Integer.MAX_VALUE, http.maxBody().toBytes());
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> connector.setMaxPostSize(maxPostSize));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
