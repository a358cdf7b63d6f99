package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * {@code http.server.requests} (README "Metrics") is tagged by route ({@code uri}); Micrometer stops
 * recording new {@code uri} values past {@code management.metrics.web.server.max-uri-tags} (100 by
 * default) and only logs a warning once. The app has more routes than that, so after a while of
 * normal use the routes seen last (an admin's dispute closing, say) were never measured.
 */
class HttpMetricsRoutesTest extends IntegrationTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    MetricsProperties metrics;

    @Test
    void everyRouteOfTheAppFitsUnderTheUriTagLimit() {
        Set<String> routes = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> routes.addAll(info.getPatternValues()));
        int limit = metrics.getWeb().getServer().getMaxUriTags();
        // static files, errors, NOT_FOUND, REDIRECTION, UNKNOWN and the actuator's own come on top
        assertThat(limit).as("routes: %s", routes.size()).isGreaterThanOrEqualTo(2 * routes.size());
    }
}
