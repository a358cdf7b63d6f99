package dev.renderbank.identity.internal;

import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.metrics.token}: a bearer token for a Prometheus scraper that opens
 * {@code /actuator/prometheus} and nothing else, so the scraper needs no ADMIN token. Unset: only
 * ADMIN may scrape. At least 24 characters, so that it cannot be guessed.
 */
@Validated
@ConfigurationProperties("renderbank.metrics")
record MetricsTokenProperties(@Size(min = 24, max = 200) String token) {

    boolean enabled() {
        return token != null && !token.isBlank();
    }
}
