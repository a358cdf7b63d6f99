package dev.renderbank.identity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on self-service API tokens: how many live (unrevoked, unexpired) tokens a user may hold and
 * how far in the future an expiry may lie. The cap keeps a compromised session from minting an
 * unbounded number of credentials; the lifetime keeps "forever" an explicit choice (no expiry).
 */
@ConfigurationProperties("renderbank.tokens")
public record ApiTokenProperties(
        @DefaultValue("20") int maxPerUser,
        @DefaultValue("365d") Duration maxLifetime) {

    public ApiTokenProperties {
        if (maxPerUser < 1) {
            throw new IllegalArgumentException("renderbank.tokens.max-per-user must be at least 1");
        }
        if (maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("renderbank.tokens.max-lifetime must be positive");
        }
    }
}
