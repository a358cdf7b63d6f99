package dev.renderbank.identity.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code renderbank.metrics.token}: a bearer token for a Prometheus scraper that opens
 * {@code /actuator/prometheus} and nothing else, so the scraper needs no ADMIN token. Unset: only
 * ADMIN may scrape. At least 24 characters, so that it cannot be guessed.
 *
 * <p>Its length is checked here, not by a validation annotation: Spring Boot's report of a failed
 * annotation prints the value it refused ({@code Value: "…"}), and this one is a secret. The message
 * names the setting and the lengths, never the token.
 */
@ConfigurationProperties("renderbank.metrics")
record MetricsTokenProperties(String token) {

    static final int MIN_LENGTH = 24;
    static final int MAX_LENGTH = 200;

    MetricsTokenProperties {
        if (token != null && (token.length() < MIN_LENGTH || token.length() > MAX_LENGTH)) {
            throw new IllegalArgumentException("renderbank.metrics.token (RENDERBANK_METRICS_TOKEN) must be "
                    + MIN_LENGTH + " to " + MAX_LENGTH + " characters long; the one set has " + token.length()
                    + " (not shown: it is a secret)");
        }
    }

    boolean enabled() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() {
        return "MetricsTokenProperties[token=" + (token == null ? "unset" : "***") + "]";
    }
}
